// L2 on a remote OpenAI-compatible server: the llama.cpp server sidecar (inference_engine = sidecar,
// seed 000) or a vLLM / TGI pool (router_backend = vllm, seed 002). Answers stream over SSE as they
// are generated; a slow, unreachable or failing server is refused like an overloaded worker, so L2
// passes the request on.
import { estimateTokens } from "../pipeline/tokens.ts";
import { postUpstream, readJson, sseEvents } from "../providers/http.ts";
import {
  deadline,
  SlmUnavailableError,
  type ClassifyCall,
  type ClassifyResult,
  type GenerateCall,
  type GenerateResult,
  type SlmBackend,
  type SlmState,
} from "./slm-backend.ts";
import { labelSchema, recoverLabel } from "./slm-label.ts";

export interface RemoteSlmOptions {
  kind: "sidecar" | "vllm";
  /** server base URL, with or without /v1 */
  url: string;
  model: string;
  timeoutMs: number;
  /** most calls in flight at once; beyond that calls are refused */
  maxInFlight: number;
  repeatPenalty: number;
}

interface ChatCompletion {
  choices?: { message?: { content?: string | null }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export function chatCompletionsUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, "");
  return /\/v1$/.test(trimmed) ? `${trimmed}/chat/completions` : `${trimmed}/v1/chat/completions`;
}

export class RemoteSlmBackend implements SlmBackend {
  readonly kind: "sidecar" | "vllm";
  readonly model: string;
  private readonly endpoint: string;
  private inFlight = 0;

  constructor(private readonly opts: RemoteSlmOptions) {
    this.kind = opts.kind;
    this.model = opts.model;
    this.endpoint = chatCompletionsUrl(opts.url);
  }

  state(): SlmState {
    return "ready";
  }
  failure() {
    return undefined;
  }
  async start() {}
  async close() {}

  /** llama.cpp names it repeat_penalty, vLLM repetition_penalty */
  private penalty(): Record<string, number> {
    return this.opts.kind === "vllm" ? { repetition_penalty: this.opts.repeatPenalty } : { repeat_penalty: this.opts.repeatPenalty };
  }

  async classify(call: ClassifyCall): Promise<ClassifyResult> {
    const body = {
      model: this.model,
      messages: [
        { role: "system", content: call.system },
        { role: "user", content: call.prompt },
      ],
      max_tokens: call.maxTokens,
      temperature: 0,
      ...this.penalty(),
      stream: false,
      response_format: { type: "json_schema", json_schema: { name: "l2_label", strict: true, schema: labelSchema(call.labels) } },
    };
    const json = (await this.call(call.signal, async (signal, timeoutMs) => {
      const up = await postUpstream({ provider: `L2 ${this.kind}`, url: this.endpoint, headers: {}, body, signal, timeoutMs });
      return readJson(`L2 ${this.kind}`, up.response);
    })) as ChatCompletion;
    const raw = json.choices?.[0]?.message?.content ?? "";
    return { label: recoverLabel(raw, call.labels), raw };
  }

  async generate(call: GenerateCall): Promise<GenerateResult> {
    const messages = [{ role: "system", content: call.system }, ...call.turns.map((t) => ({ role: t.role, content: t.text }))];
    const body = {
      model: this.model,
      messages,
      max_tokens: call.maxTokens,
      temperature: 0,
      ...this.penalty(),
      stream: true,
      stream_options: { include_usage: true },
    };
    return this.call(call.signal, async (signal, timeoutMs) => {
      const up = await postUpstream({ provider: `L2 ${this.kind}`, url: this.endpoint, headers: {}, body, signal, timeoutMs });
      let text = "";
      let finish: string | null | undefined;
      let usage: ChatCompletion["usage"];
      for await (const event of sseEvents(up, `L2 ${this.kind}`, timeoutMs)) {
        if (event.data.trim() === "[DONE]") break;
        const chunk = JSON.parse(event.data) as {
          choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
          usage?: ChatCompletion["usage"];
          error?: { message?: string };
        };
        if (chunk.error) throw new Error(`the L2 ${this.kind} stream reported an error: ${chunk.error.message ?? "unknown"}`);
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices?.[0];
        const piece = choice?.delta?.content;
        if (piece) {
          text += piece;
          call.onText?.(piece);
        }
        if (choice?.finish_reason) finish = choice.finish_reason;
      }
      if (!finish) throw new Error(`the L2 ${this.kind} stream ended without a finish reason`);
      return {
        text,
        finish: finish === "length" ? "length" : "stop",
        inputTokens: usage?.prompt_tokens ?? estimateTokens(messages.map((m) => m.content).join("\n")),
        outputTokens: usage?.completion_tokens ?? estimateTokens(text),
      };
    });
  }

  /** Runs one remote call inside the in-flight bound and the overall deadline, mapping failures to refusals. */
  private async call<T>(outer: AbortSignal | undefined, run: (signal: AbortSignal, timeoutMs: number) => Promise<T>): Promise<T> {
    if (this.inFlight >= this.opts.maxInFlight) throw new SlmUnavailableError("queue_full", `L2 ${this.kind} has ${this.inFlight} calls in flight`);
    if (outer?.aborted) throw new SlmUnavailableError("aborted", "the client went away");
    this.inFlight++;
    const limit = deadline(this.opts.timeoutMs, outer);
    try {
      return await run(limit.signal, this.opts.timeoutMs);
    } catch (err) {
      if (limit.timedOut()) throw new SlmUnavailableError("timeout", `L2 ${this.kind} took longer than ${this.opts.timeoutMs} ms`);
      if (outer?.aborted) throw new SlmUnavailableError("aborted", "the client went away");
      throw new SlmUnavailableError("error", `L2 ${this.kind} failed: ${(err as Error).message}`);
    } finally {
      limit.clear();
      this.inFlight--;
    }
  }
}
