// Embeddings from an OpenAI-compatible /v1/embeddings server (TEI, llama.cpp --embedding, vLLM)
// instead of the in-process model (ISARTOR__EMBEDDING_SIDECAR__*).
import { EmbedUnavailableError, emptyStats, normalize, ReadyEmbedder, type EmbedSkipReason } from "./embedder.ts";

export interface SidecarEmbedderOptions {
  url: string;
  model: string;
  timeoutMs: number;
  /** most calls in flight at once; beyond that L1b is skipped */
  maxInFlight: number;
}

/** http://host:8082 → …/v1/embeddings; a URL already ending in /v1 or /embeddings is kept. */
export function embeddingsUrl(base: string): string {
  const u = base.replace(/\/+$/, "");
  if (u.endsWith("/embeddings")) return u;
  return u.endsWith("/v1") ? `${u}/embeddings` : `${u}/v1/embeddings`;
}

export class SidecarEmbedder extends ReadyEmbedder {
  readonly name: string;
  private readonly endpoint: string;
  private inFlight = 0;
  private readonly counters = emptyStats();

  constructor(private readonly opts: SidecarEmbedderOptions) {
    super();
    this.endpoint = embeddingsUrl(opts.url);
    this.name = `sidecar:${this.endpoint}`;
  }

  stats() {
    return structuredClone(this.counters);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    this.counters.calls++;
    if (texts.length === 0) return [];
    if (this.inFlight >= this.opts.maxInFlight) throw this.refuse("queue_full", `embedding sidecar has ${this.inFlight} calls in flight`);
    this.inFlight++;
    this.counters.batches++;
    try {
      const res = await fetch(this.endpoint, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: this.opts.model, input: texts }),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      if (!res.ok) throw this.refuse("error", `embedding sidecar answered HTTP ${res.status}`);
      return this.vectors(await res.json(), texts.length);
    } catch (err) {
      if (err instanceof EmbedUnavailableError) throw err;
      const timedOut = (err as Error).name === "TimeoutError";
      throw this.refuse(timedOut ? "timeout" : "error", timedOut ? `embedding sidecar took longer than ${this.opts.timeoutMs} ms` : `embedding sidecar unreachable: ${(err as Error).message}`);
    } finally {
      this.inFlight--;
    }
  }

  private vectors(body: unknown, count: number): Float32Array[] {
    const data = (body as { data?: { index?: number; embedding?: unknown }[] })?.data;
    if (!Array.isArray(data) || data.length !== count) throw this.refuse("error", `embedding sidecar returned ${Array.isArray(data) ? data.length : "no"} vectors for ${count} inputs`);
    const ordered = [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    const out = ordered.map((d) => d.embedding);
    const dims = Array.isArray(out[0]) ? out[0].length : 0;
    if (!dims || out.some((v) => !Array.isArray(v) || v.length !== dims || v.some((x) => typeof x !== "number"))) {
      throw this.refuse("error", "embedding sidecar returned malformed vectors (expected float arrays; base64 encoding is not requested)");
    }
    return out.map((v) => normalize(Float32Array.from(v as number[])));
  }

  private refuse(reason: EmbedSkipReason, message: string) {
    this.counters.skipped[reason]++;
    return new EmbedUnavailableError(reason, message);
  }
}
