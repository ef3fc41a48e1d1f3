// In-process vector store: per scope, unit vectors in one contiguous Float32Array scanned flat
// (no index: exact results, and fast enough for scopes up to ~100k rows — see docs/semantic-cache.md).
// One LRU with TTL across all scopes bounds the total; evicting an entry swaps the scope's last row
// into its place so the rows stay contiguous.
import { LRUCache } from "lru-cache";
import type { SemanticEntry, VectorMatch, VectorStore } from "./vector-store.ts";

interface Partition {
  rows: Float32Array;
  /** entry key of each row */
  keys: string[];
}

interface Stored {
  scope: string;
  row: number;
  entry: SemanticEntry;
}

const INITIAL_ROWS = 16;

export class MemoryVectorStore implements VectorStore {
  private readonly partitions = new Map<string, Partition>();
  private readonly lru: LRUCache<string, Stored>;
  private dims = 0;

  constructor(opts: { capacity: number; ttlSecs: number }) {
    this.lru = new LRUCache<string, Stored>({
      max: opts.capacity,
      ttl: opts.ttlSecs > 0 ? opts.ttlSecs * 1000 : undefined,
      noDisposeOnSet: true,
      dispose: (stored, key) => this.removeRow(stored, key),
    });
  }

  async search(scope: string, vector: Float32Array, opts: { minScore: number; limit: number }): Promise<VectorMatch[]> {
    const part = this.partitions.get(scope);
    if (!part || part.keys.length === 0 || vector.length !== this.dims) return [];
    const found = topMatches(part.rows, part.keys.length, this.dims, vector, opts.minScore, opts.limit);
    const matches: VectorMatch[] = [];
    const keys = found.map(({ row }) => part.keys[row]!);
    for (let i = 0; i < found.length; i++) {
      // get() bumps recency and drops an expired entry (which removes its row)
      const stored = this.lru.get(keys[i]!);
      if (stored) matches.push({ score: found[i]!.score, entry: stored.entry });
    }
    return matches;
  }

  async add(scope: string, vector: Float32Array, entry: SemanticEntry): Promise<void> {
    if (this.dims === 0) this.dims = vector.length;
    if (vector.length !== this.dims) throw new Error(`vector has ${vector.length} dimensions, the store holds ${this.dims}`);
    const key = `${scope}\u0000${entry.question}`;
    const existing = this.lru.peek(key);
    if (existing) {
      const part = this.partitions.get(scope)!;
      part.rows.set(vector, existing.row * this.dims);
      this.lru.set(key, { ...existing, entry });
      return;
    }
    let part = this.partitions.get(scope);
    if (!part) this.partitions.set(scope, (part = { rows: new Float32Array(INITIAL_ROWS * this.dims), keys: [] }));
    const row = part.keys.length;
    if ((row + 1) * this.dims > part.rows.length) {
      const grown = new Float32Array(part.rows.length * 2);
      grown.set(part.rows);
      part.rows = grown;
    }
    part.rows.set(vector, row * this.dims);
    part.keys.push(key);
    this.lru.set(key, { scope, row, entry });
  }

  async clear() {
    this.lru.clear();
    this.partitions.clear();
  }

  async size() {
    this.lru.purgeStale();
    return this.lru.size;
  }

  /** rows held in one scope (for tests and stats) */
  scopeSize(scope: string): number {
    return this.partitions.get(scope)?.keys.length ?? 0;
  }

  private removeRow(stored: Stored, key: string) {
    const part = this.partitions.get(stored.scope);
    if (!part || part.keys[stored.row] !== key) return;
    const last = part.keys.length - 1;
    if (stored.row !== last) {
      const movedKey = part.keys[last]!;
      part.rows.copyWithin(stored.row * this.dims, last * this.dims, (last + 1) * this.dims);
      part.keys[stored.row] = movedKey;
      const moved = this.lru.peek(movedKey);
      if (moved) moved.row = stored.row;
    }
    part.keys.pop();
    if (part.keys.length === 0) this.partitions.delete(stored.scope);
    else if (part.keys.length * 4 < part.rows.length / this.dims && part.rows.length / this.dims > INITIAL_ROWS) {
      part.rows = part.rows.slice(0, (part.rows.length / 2) | 0);
    }
  }
}

/** Flat scan: dot product of the query with every row, keeping the best `limit` at or above minScore. */
export function topMatches(rows: Float32Array, count: number, dims: number, q: Float32Array, minScore: number, limit: number): { row: number; score: number }[] {
  const best: { row: number; score: number }[] = [];
  let floor = minScore;
  for (let r = 0, o = 0; r < count; r++, o += dims) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j + 3 < dims; j += 4) {
      s0 += rows[o + j]! * q[j]!;
      s1 += rows[o + j + 1]! * q[j + 1]!;
      s2 += rows[o + j + 2]! * q[j + 2]!;
      s3 += rows[o + j + 3]! * q[j + 3]!;
    }
    for (; j < dims; j++) s0 += rows[o + j]! * q[j]!;
    const score = s0 + s1 + s2 + s3;
    if (score < floor) continue;
    best.push({ row: r, score });
    best.sort((a, b) => b.score - a.score);
    if (best.length > limit) best.pop();
    if (best.length === limit) floor = Math.max(minScore, best[best.length - 1]!.score);
  }
  return best;
}
