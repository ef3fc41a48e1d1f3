import { LRUCache } from "lru-cache";
import type { ChatResponse } from "../pipeline/types.ts";
import { responseBytes } from "./entry-size.ts";
import type { ExactStore } from "./exact-store.ts";

/**
 * In-process LRU with TTL; ttlSecs = 0 keeps entries until evicted by capacity. Bounded by entries
 * (capacity) and by bytes (maxBytes): a big answer pushes out the least recently used ones, and one
 * bigger than the whole budget is not stored at all.
 */
export class MemoryExactStore implements ExactStore {
  private readonly lru: LRUCache<string, ChatResponse>;

  /** clock: a monotonic millisecond clock, replaceable in tests */
  constructor(opts: { capacity: number; ttlSecs: number; maxBytes?: number; clock?: { now(): number } }) {
    this.lru = new LRUCache({
      max: opts.capacity,
      ...(opts.maxBytes ? { maxSize: opts.maxBytes, sizeCalculation: (value: ChatResponse, key: string) => responseBytes(value) + key.length * 2 } : {}),
      ttl: opts.ttlSecs > 0 ? opts.ttlSecs * 1000 : undefined,
      ttlAutopurge: false,
      ...(opts.clock ? { perf: opts.clock, ttlResolution: 0 } : {}),
    });
  }

  async get(key: string) {
    return this.lru.get(key);
  }
  async set(key: string, value: ChatResponse) {
    this.lru.set(key, value);
  }
  async delete(key: string) {
    return this.lru.delete(key);
  }
  async clear() {
    this.lru.clear();
  }
  async size() {
    this.lru.purgeStale();
    return this.lru.size;
  }
}
