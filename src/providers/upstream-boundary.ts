// The one place upstream text enters the gateway. Every provider client is wrapped here before the
// chain sees it, so whatever an upstream says is already safe for every surface the chain feeds
// (health last_error, usage.jsonl, logs, spans, admin, CLI, client error bodies):
//  - error messages and bodies are scrubbed of configured secrets (upstreams echo the key they got:
//    "401 Incorrect API key provided: sk-…");
//  - Retry-After is capped at max_retry_after_secs, so an upstream cannot park a key for years or
//    tell our clients to go away for as long.
import { GatewayError, toGatewayError } from "../pipeline/errors.ts";
import type { ChatStream, StreamChunk } from "../pipeline/types.ts";
import type { Redactor } from "../telemetry/redact.ts";
import type { ProviderCall, ProviderClient } from "./provider.ts";

export interface BoundaryOptions {
  redactor: Redactor;
  maxRetryAfterSecs: number;
}

export function scrubUpstreamError(err: unknown, opts: BoundaryOptions): GatewayError {
  const e = toGatewayError(err);
  const extra = { ...e.extra };
  if (extra.upstreamBody !== undefined) extra.upstreamBody = opts.redactor.value(extra.upstreamBody);
  if (extra.retryAfterSecs !== undefined) extra.retryAfterSecs = Math.min(extra.retryAfterSecs, opts.maxRetryAfterSecs);
  return new GatewayError(e.status, e.kind, opts.redactor.text(e.message), extra);
}

async function* scrubStream(stream: ChatStream, opts: BoundaryOptions): AsyncGenerator<StreamChunk> {
  for await (const chunk of stream) {
    if (!chunk.events.some((e) => e.type === "error")) {
      yield chunk;
      continue;
    }
    // the raw frame of an error chunk is upstream text too: drop it, the scrubbed event is rendered instead
    yield { events: chunk.events.map((e) => (e.type === "error" ? { ...e, message: opts.redactor.text(e.message) } : e)) };
  }
}

export class UpstreamBoundary implements ProviderClient {
  readonly name: string;

  constructor(
    private readonly inner: ProviderClient,
    private readonly opts: BoundaryOptions,
  ) {
    this.name = inner.name;
  }

  async complete(call: ProviderCall) {
    try {
      return await this.inner.complete(call);
    } catch (err) {
      throw scrubUpstreamError(err, this.opts);
    }
  }

  async stream(call: ProviderCall): Promise<ChatStream> {
    let stream: ChatStream;
    try {
      stream = await this.inner.stream(call);
    } catch (err) {
      throw scrubUpstreamError(err, this.opts);
    }
    return scrubStream(stream, this.opts);
  }
}
