// Wraps a ProviderClient so every call holds an AIMD slot: for a completion until it returns, for a
// stream until the stream ends or is abandoned. Latency is time to answer (first byte for streams).
import { GatewayError } from "../pipeline/errors.ts";
import type { ChatStream, StreamChunk } from "../pipeline/types.ts";
import type { ProviderCall, ProviderClient } from "../providers/provider.ts";
import { AimdLimiter, type Outcome } from "./aimd-limiter.ts";

export function outcomeOf(err: unknown): Outcome {
  const status = err instanceof GatewayError ? err.status : (err as { status?: number })?.status;
  if (status === undefined) return "overload";
  if (status === 429 || status === 529 || (status >= 500 && status !== 501)) return "overload";
  return "neutral";
}

export class AimdProviderClient implements ProviderClient {
  readonly name: string;

  constructor(
    private readonly inner: ProviderClient,
    readonly limiter: AimdLimiter,
  ) {
    this.name = inner.name;
  }

  async complete(call: ProviderCall) {
    const release = await this.limiter.acquire(call.signal);
    const started = performance.now();
    try {
      const res = await this.inner.complete(call);
      release("ok", performance.now() - started);
      return res;
    } catch (err) {
      release(call.signal.aborted ? "neutral" : outcomeOf(err), performance.now() - started);
      throw err;
    }
  }

  async stream(call: ProviderCall): Promise<ChatStream> {
    const release = await this.limiter.acquire(call.signal);
    const started = performance.now();
    let stream: ChatStream;
    try {
      stream = await this.inner.stream(call);
    } catch (err) {
      release(call.signal.aborted ? "neutral" : outcomeOf(err), performance.now() - started);
      throw err;
    }
    const firstByteMs = performance.now() - started;
    // An abandoned stream (client gone, never iterated) must still give its slot back.
    const onAbort = () => release("neutral", firstByteMs);
    call.signal.addEventListener("abort", onAbort, { once: true });
    return held(stream, (outcome) => {
      call.signal.removeEventListener("abort", onAbort);
      release(outcome, firstByteMs);
    });
  }
}

async function* held(stream: ChatStream, done: (o: Outcome) => void): AsyncGenerator<StreamChunk> {
  let outcome: Outcome = "neutral";
  try {
    for await (const chunk of stream) {
      for (const e of chunk.events) {
        if (e.type === "finish") outcome = "ok";
        else if (e.type === "error") outcome = e.status === 429 || e.status >= 500 ? "overload" : "neutral";
      }
      yield chunk;
    }
  } finally {
    done(outcome);
  }
}

/** The provider behind an AIMD limiter built from the `aimd` settings, or unchanged when AIMD is off. */
export function withAimd(
  client: ProviderClient,
  settings: { enabled: boolean; initial_limit: number; min_limit: number; max_limit: number; target_latency_ms: number; max_queue: number; queue_timeout_ms: number },
  register?: (provider: string, limiter: AimdLimiter) => void,
): ProviderClient {
  if (!settings.enabled) return client;
  const limiter = new AimdLimiter({
    initialLimit: settings.initial_limit,
    minLimit: settings.min_limit,
    maxLimit: settings.max_limit,
    targetLatencyMs: settings.target_latency_ms,
    maxQueue: settings.max_queue,
    queueTimeoutMs: settings.queue_timeout_ms,
  });
  register?.(client.name, limiter);
  return new AimdProviderClient(client, limiter);
}
