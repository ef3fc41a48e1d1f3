// With L0.5 on, the router and then L1b embed the same text (the last user message) for the same
// request. This hands the router's vector to L1b: two views of one embedder, where the router's view
// always asks the embedder and leaves the pending vector in a small bounded memo, and L1b's view takes
// a vector for the same text out of the memo (once) before asking the embedder itself. Failed
// embeddings are not kept, so L1b still gets its own try when the router's failed.
import type { Embedder, EmbedderState } from "../inference/embedder.ts";

export interface SharedEmbeddingOptions {
  /** most texts remembered between the router's call and L1b's */
  maxEntries: number;
  /** longest time a vector waits for L1b, in ms */
  ttlMs: number;
}

class View implements Embedder {
  constructor(
    readonly inner: Embedder,
    readonly embed: (texts: string[]) => Promise<Float32Array[]>,
  ) {}
  get name() {
    return this.inner.name;
  }
  state(): EmbedderState {
    return this.inner.state();
  }
  failure() {
    return this.inner.failure();
  }
  start() {
    return this.inner.start();
  }
  stats() {
    return this.inner.stats();
  }
  close() {
    return this.inner.close();
  }
}

export class SharedQueryEmbedding {
  private readonly pending = new Map<string, { at: number; vector: Promise<Float32Array> }>();
  /** for L0.5: embeds and leaves the vector for L1b */
  readonly producer: Embedder;
  /** for L1b: uses the router's vector for the same text when there is one */
  readonly consumer: Embedder;

  constructor(
    readonly inner: Embedder,
    private readonly opts: SharedEmbeddingOptions = { maxEntries: 256, ttlMs: 10_000 },
  ) {
    this.producer = new View(inner, (texts) => this.produce(texts));
    this.consumer = new View(inner, (texts) => this.consume(texts));
  }

  private async produce(texts: string[]): Promise<Float32Array[]> {
    if (texts.length !== 1) return this.inner.embed(texts);
    const text = texts[0]!;
    const vector = this.inner.embed([text]).then(([v]) => v!);
    this.pending.delete(text);
    this.pending.set(text, { at: Date.now(), vector });
    while (this.pending.size > this.opts.maxEntries) this.pending.delete(this.pending.keys().next().value!);
    vector.catch(() => {
      if (this.pending.get(text)?.vector === vector) this.pending.delete(text);
    });
    return [await vector];
  }

  private async consume(texts: string[]): Promise<Float32Array[]> {
    const left = texts.length === 1 ? this.pending.get(texts[0]!) : undefined;
    if (left) {
      this.pending.delete(texts[0]!);
      if (Date.now() - left.at <= this.opts.ttlMs) {
        try {
          return [await left.vector];
        } catch {
          // the router's attempt failed: L1b makes its own
        }
      }
    }
    return this.inner.embed(texts);
  }
}
