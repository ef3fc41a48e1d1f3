// What L1b needs from an embedding backend: unit-length vectors for texts, and a clear refusal
// (never a wait) when it cannot give them in time, so the layer can fail open.

export type EmbedderState = "idle" | "loading" | "ready" | "failed";

export type EmbedSkipReason = "not_ready" | "queue_full" | "timeout" | "worker_crash" | "error";

export class EmbedUnavailableError extends Error {
  override name = "EmbedUnavailableError";
  constructor(
    readonly reason: EmbedSkipReason,
    message: string,
  ) {
    super(message);
  }
}

export interface EmbedderStats {
  calls: number;
  batches: number;
  skipped: Record<EmbedSkipReason, number>;
  workerRestarts: number;
}

export interface Embedder {
  /** "minilm" (in-process workers) or "sidecar:<url>" */
  readonly name: string;
  state(): EmbedderState;
  /** why loading failed, when state() is "failed" */
  failure(): string | undefined;
  /** begin loading (idempotent); settles when ready or failed, never rejects */
  start(): Promise<void>;
  /** one L2-normalised vector per text; rejects with EmbedUnavailableError when it cannot answer */
  embed(texts: string[]): Promise<Float32Array[]>;
  stats(): EmbedderStats;
  close(): Promise<void>;
}

/** An embedder with nothing to load or release (a remote server, a test double): always ready. */
export abstract class ReadyEmbedder implements Embedder {
  abstract readonly name: string;
  abstract embed(texts: string[]): Promise<Float32Array[]>;
  abstract stats(): EmbedderStats;

  state(): EmbedderState {
    return "ready";
  }
  failure(): string | undefined {
    return undefined;
  }
  async start() {}
  async close() {}
}

export function emptyStats(): EmbedderStats {
  return { calls: 0, batches: 0, skipped: { not_ready: 0, queue_full: 0, timeout: 0, worker_crash: 0, error: 0 }, workerRestarts: 0 };
}

export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}
