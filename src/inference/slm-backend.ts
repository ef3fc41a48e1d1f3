// What L2 needs from a small-model backend (embedded worker pool, llama.cpp sidecar, vLLM/TGI):
// a grammar-constrained label for a prompt, and an answer streamed as it is generated. A backend
// that cannot answer in time rejects with SlmUnavailableError and a reason, so L2 can fail open.

export type SlmState = "idle" | "loading" | "ready" | "failed";

export type SlmSkipReason = "not_ready" | "queue_full" | "timeout" | "aborted" | "worker_crash" | "error";

export const SLM_SKIP_REASONS: readonly SlmSkipReason[] = ["not_ready", "queue_full", "timeout", "aborted", "worker_crash", "error"];

export class SlmUnavailableError extends Error {
  override name = "SlmUnavailableError";
  constructor(
    readonly reason: SlmSkipReason,
    message: string,
  ) {
    super(message);
  }
}

export interface SlmTurn {
  role: "user" | "assistant";
  text: string;
}

export interface ClassifyCall {
  system: string;
  prompt: string;
  /** the allowed labels; the output grammar admits only these */
  labels: readonly string[];
  maxTokens: number;
  signal?: AbortSignal;
}

export interface ClassifyResult {
  /** undefined when the model gave no complete label within maxTokens (never guessed) */
  label?: string;
  /** what the model emitted, for diagnostics */
  raw: string;
}

export interface GenerateCall {
  system: string;
  /** the conversation; the last turn is the user's */
  turns: SlmTurn[];
  maxTokens: number;
  signal?: AbortSignal;
  /** called with each piece of text as the model produces it */
  onText?: (text: string) => void;
}

export interface GenerateResult {
  text: string;
  finish: "stop" | "length";
  inputTokens: number;
  outputTokens: number;
}

export interface SlmBackend {
  /** "embedded", "sidecar" or "vllm" */
  readonly kind: string;
  /** the model file or served model name */
  readonly model: string;
  state(): SlmState;
  failure(): string | undefined;
  /** begin loading (idempotent); settles when ready or failed, never rejects */
  start(): Promise<void>;
  classify(call: ClassifyCall): Promise<ClassifyResult>;
  generate(call: GenerateCall): Promise<GenerateResult>;
  close(): Promise<void>;
}

/** A combined signal that also fires after ms, and tells which of the two fired. */
export function deadline(ms: number, outer?: AbortSignal): { signal: AbortSignal; timedOut: () => boolean; clear: () => void } {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new Error("timeout"));
  }, ms);
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  outer?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => expired,
    clear: () => {
      clearTimeout(timer);
      outer?.removeEventListener("abort", onAbort);
    },
  };
}
