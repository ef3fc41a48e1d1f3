// In-process vector store: per scope, unit vectors in one contiguous Float32Array. Small scopes are
// scanned flat (topMatches); from `indexMinRows` rows on, a scope also keeps int8 copies of its rows in a
// WebAssembly SIMD kernel's memory, scanned coarsely and re-ranked exactly (Int8Index) — the same rows
// and scores as the flat scan, ~5x faster (see docs/semantic-cache.md). Without WebAssembly SIMD every
// scope is scanned flat.
// One LRU with TTL across all scopes bounds the total; evicting an entry swaps the scope's last row
// into its place so the rows stay contiguous.
import { LRUCache } from "lru-cache";
import { responseBytes } from "./entry-size.ts";
import { exactDot, Int8Index, simdKernel } from "./int8-index.ts";
import type { SemanticEntry, VectorMatch, VectorStore } from "./vector-store.ts";

interface Partition {
  rows: Float32Array;
  /** entry key of each row */
  keys: string[];
  /** int8 mirror of `rows` for the SIMD scan; built on the first search at indexMinRows rows */
  index?: Int8Index;
  /** the kernel's memory could not grow (wasm32 caps it at 4 GiB): this scope stays on the flat scan */
  noIndex?: boolean;
}

interface Stored {
  scope: string;
  row: number;
  entry: SemanticEntry;
}

const INITIAL_ROWS = 16;
/** below this many rows in a scope the flat scan is as fast as the SIMD path (≈0.2 ms at 1k × 384-d) */
const INDEX_MIN_ROWS = 1024;

export class MemoryVectorStore implements VectorStore {
  private readonly partitions = new Map<string, Partition>();
  private readonly lru: LRUCache<string, Stored>;
  private dims = 0;
  private readonly indexMinRows: number;

  /** indexMinRows: scopes with fewer rows are scanned flat (default 1024; Infinity = always flat) */
  /** maxBytes: byte budget of entries plus their vectors (cache_max_bytes), beside the entry count */
  constructor(opts: { capacity: number; ttlSecs: number; indexMinRows?: number; maxBytes?: number }) {
    this.indexMinRows = opts.indexMinRows ?? INDEX_MIN_ROWS;
    this.lru = new LRUCache<string, Stored>({
      max: opts.capacity,
      ...(opts.maxBytes ? { maxSize: opts.maxBytes, sizeCalculation: (s: Stored) => this.storedBytes(s) } : {}),
      ttl: opts.ttlSecs > 0 ? opts.ttlSecs * 1000 : undefined,
      noDisposeOnSet: true,
      dispose: (stored, key) => this.removeRow(stored, key),
    });
  }

  async search(scope: string, vector: Float32Array, opts: { minScore: number; limit: number }): Promise<VectorMatch[]> {
    const part = this.partitions.get(scope);
    if (!part || part.keys.length === 0 || vector.length !== this.dims) return [];
    const count = part.keys.length;
    const index = count >= this.indexMinRows ? this.indexOf(part) : undefined;
    const found = index
      ? index.search(part.rows, count, vector, opts.minScore, opts.limit)
      : topMatches(part.rows, count, this.dims, vector, opts.minScore, opts.limit);
    const matches: VectorMatch[] = [];
    const keys = found.map(({ row }) => part.keys[row]!);
    for (let i = 0; i < found.length; i++) {
      // get() bumps recency and drops an expired entry (which removes its row)
      const stored = this.lru.get(keys[i]!);
      if (stored) matches.push({ score: found[i]!.score, entry: stored.entry });
    }
    return matches;
  }

  /** opts.ttlMs: this entry's remaining lifetime (an entry loaded from a shared store keeps its own expiry) */
  async add(scope: string, vector: Float32Array, entry: SemanticEntry, opts: { ttlMs?: number } = {}): Promise<void> {
    const ttl = opts.ttlMs !== undefined ? { ttl: Math.max(1, Math.ceil(opts.ttlMs)) } : undefined;
    if (this.dims === 0) this.dims = vector.length;
    if (vector.length !== this.dims) throw new Error(`vector has ${vector.length} dimensions, the store holds ${this.dims}`);
    const key = `${scope}\u0000${entry.question}`;
    const existing = this.lru.peek(key);
    if (existing) {
      const part = this.partitions.get(scope)!;
      part.rows.set(vector, existing.row * this.dims);
      part.index?.set(existing.row, vector);
      this.lru.set(key, { ...existing, entry }, ttl);
      return;
    }
    // Enter the key first: a capacity eviction inside set() swap-removes rows (and may drop this scope's
    // partition), which must happen before the new row is appended — appended first, it could be the
    // row swapped into the evicted slot before its key is in the LRU, leaving its entry with a stale row.
    const stored: Stored = { scope, row: -1, entry };
    this.lru.set(key, stored, ttl);
    // larger than the whole byte budget: the LRU refused it, so it gets no row either
    if (this.lru.peek(key) !== stored) return;
    let part = this.partitions.get(scope);
    if (!part) this.partitions.set(scope, (part = { rows: new Float32Array(INITIAL_ROWS * this.dims), keys: [] }));
    const row = part.keys.length;
    stored.row = row;
    if ((row + 1) * this.dims > part.rows.length) {
      const grown = new Float32Array(part.rows.length * 2);
      grown.set(part.rows);
      part.rows = grown;
    }
    part.rows.set(vector, row * this.dims);
    if (part.index) {
      try {
        part.index.reserve(row + 1);
        part.index.set(row, vector);
      } catch {
        part.index = undefined;
        part.noIndex = true;
      }
    }
    part.keys.push(key);
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

  /** one scope's float rows as the flat scan sees them (for tests and benchmarks) */
  scopeRows(scope: string): { rows: Float32Array; count: number; dims: number } | undefined {
    const part = this.partitions.get(scope);
    return part && { rows: part.rows, count: part.keys.length, dims: this.dims };
  }

  /** whether a search of this scope now takes the SIMD path (for tests and benchmarks) */
  usesIndex(scope: string): boolean {
    const part = this.partitions.get(scope);
    return !!part && part.keys.length >= this.indexMinRows && simdKernel() !== null;
  }

  private indexOf(part: Partition): Int8Index | undefined {
    if (part.index || part.noIndex) return part.index;
    const module = simdKernel();
    if (!module) return undefined;
    const count = part.keys.length;
    try {
      const index = new Int8Index(module, this.dims, count);
      for (let r = 0; r < count; r++) index.set(r, part.rows.subarray(r * this.dims, (r + 1) * this.dims));
      return (part.index = index);
    } catch {
      part.noIndex = true;
      return undefined;
    }
  }

  /** the entry, its question and key, and its float + int8 vector rows */
  private storedBytes(s: Stored): number {
    return responseBytes(s.entry.response) + (s.entry.question.length + s.scope.length) * 4 + this.dims * 5;
  }

  private removeRow(stored: Stored, key: string) {
    const part = this.partitions.get(stored.scope);
    if (!part || part.keys[stored.row] !== key) return;
    const last = part.keys.length - 1;
    if (stored.row !== last) {
      const movedKey = part.keys[last]!;
      part.rows.copyWithin(stored.row * this.dims, last * this.dims, (last + 1) * this.dims);
      part.index?.move(last, stored.row);
      part.keys[stored.row] = movedKey;
      const moved = this.lru.peek(movedKey);
      if (moved) moved.row = stored.row;
    }
    part.keys.pop();
    if (part.keys.length === 0) this.partitions.delete(stored.scope);
    else if (part.keys.length * 4 < part.rows.length / this.dims && part.rows.length / this.dims > INITIAL_ROWS) {
      part.rows = part.rows.slice(0, (part.rows.length / 2) | 0);
    }
    // a scope that fell well below the threshold gives its kernel memory back (rebuilt if it grows again)
    if (part.index && part.keys.length * 4 < this.indexMinRows) part.index = undefined;
  }
}

/** Flat scan: dot product of the query with every row, keeping the best `limit` at or above minScore. */
export function topMatches(rows: Float32Array, count: number, dims: number, q: Float32Array, minScore: number, limit: number): { row: number; score: number }[] {
  const best: { row: number; score: number }[] = [];
  let floor = minScore;
  for (let r = 0, o = 0; r < count; r++, o += dims) {
    const score = exactDot(rows, o, q, dims);
    if (score < floor) continue;
    best.push({ row: r, score });
    best.sort((a, b) => b.score - a.score);
    if (best.length > limit) best.pop();
    if (best.length === limit) floor = Math.max(minScore, best[best.length - 1]!.score);
  }
  return best;
}
