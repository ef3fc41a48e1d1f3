// A deterministic Embedder for router and cache mechanics tests: hashed bag of words, L2-normalised,
// with switches to make it fail the way real backends do (not ready, timeout, slow).
import { EmbedUnavailableError, emptyStats, normalize, ReadyEmbedder, type EmbedSkipReason } from "../../src/inference/embedder.ts";

export class KeywordEmbedder extends ReadyEmbedder {
  /** when set, every embed() rejects with this reason */
  failWith: EmbedSkipReason | undefined;
  /** the next this many embed() calls reject with "timeout", then it answers again */
  failNext = 0;
  /** extra wait before answering, in ms */
  delayMs = 0;
  calls = 0;

  constructor(
    readonly name = "keyword-test-encoder",
    readonly dim = 64,
  ) {
    super();
  }

  vector(text: string): Float32Array {
    const v = new Float32Array(this.dim);
    for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
      let h = 2166136261;
      for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
      v[(h >>> 0) % this.dim]! += 1;
    }
    return normalize(v);
  }

  stats() {
    return emptyStats();
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    this.calls++;
    if (this.delayMs) await Bun.sleep(this.delayMs);
    if (this.failNext > 0) {
      this.failNext--;
      throw new EmbedUnavailableError("timeout", "test embedder set to fail this call");
    }
    if (this.failWith) throw new EmbedUnavailableError(this.failWith, `test embedder set to fail (${this.failWith})`);
    return texts.map((t) => this.vector(t));
  }
}
