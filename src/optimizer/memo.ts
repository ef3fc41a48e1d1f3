// Agents resend the whole conversation every turn, so the same large tool output is crunched again and
// again. Stage results for large texts are remembered here: bounded by entries and age, and keyed by
// the content itself, so no request ever depends on what an earlier one sent.
import { LRUCache } from "lru-cache";

const MIN_MEMO_CHARS = 2048;

export class StageMemo {
  private readonly lru: LRUCache<string, string>;

  constructor(opts: { maxEntries: number; ttlMs: number }) {
    this.lru = new LRUCache({ max: opts.maxEntries, ttl: opts.ttlMs, maxSize: 64 * 1024 * 1024, sizeCalculation: (v, k) => v.length + k.length });
  }

  apply(stage: string, text: string, run: (t: string) => string): string {
    if (text.length < MIN_MEMO_CHARS) return run(text);
    const key = `${stage}:${new Bun.CryptoHasher("sha256").update(text).digest("hex")}`;
    const hit = this.lru.get(key);
    if (hit !== undefined) return hit;
    const result = run(text);
    this.lru.set(key, result);
    return result;
  }

  get size(): number {
    return this.lru.size;
  }
}
