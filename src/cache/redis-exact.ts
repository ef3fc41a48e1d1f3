// L1a in Redis: every replica on the same Redis (and key prefix) shares the exact cache. The key is the
// hash computed by keys.ts, which already covers the tenant and the whole context, so a lookup by one
// tenant can never reach another tenant's entry. While Redis is unusable (down, reconnecting, a
// command timed out) the store works on an in-process LRU instead: requests never fail or wait.
import type { ChatResponse } from "../pipeline/types.ts";
import type { ExactStore } from "./exact-store.ts";
import { MemoryExactStore } from "./memory-exact.ts";
import { RedisBoundedMap, type BoundedOptions } from "./redis-bounded.ts";
import type { RedisConnection } from "./redis-connection.ts";

export class RedisExactStore implements ExactStore {
  private readonly map: RedisBoundedMap;
  /** answers while Redis is unusable; entries stored there stay local to this replica */
  private readonly fallback: MemoryExactStore;

  constructor(
    private readonly conn: RedisConnection,
    opts: BoundedOptions,
  ) {
    this.map = new RedisBoundedMap(conn, "exact", opts);
    this.fallback = new MemoryExactStore(opts);
  }

  async get(key: string): Promise<ChatResponse | undefined> {
    if (this.conn.usable()) {
      try {
        const raw = await this.map.get(this.map.entryKey(key));
        this.conn.commandSucceeded();
        if (raw !== null) return JSON.parse(raw) as ChatResponse;
        return this.fallback.get(key);
      } catch (err) {
        // timed out or dropped: logged once per outage by the connection
        this.conn.commandFailed(err);
      }
    }
    return this.fallback.get(key);
  }

  async set(key: string, value: ChatResponse): Promise<void> {
    if (this.conn.usable()) {
      try {
        await this.map.set(this.map.entryKey(key), JSON.stringify(value));
        this.conn.commandSucceeded();
        return;
      } catch (err) {
        // keep the answer at least on this replica
        this.conn.commandFailed(err);
      }
    }
    await this.fallback.set(key, value);
  }

  async delete(key: string): Promise<boolean> {
    const local = await this.fallback.delete(key);
    if (!this.conn.usable()) return local;
    try {
      return (await this.map.delete(this.map.entryKey(key))) || local;
    } catch {
      return local;
    }
  }

  /** admin purge: clears Redis (for every replica) and this replica's fallback */
  async clear(): Promise<void> {
    await this.fallback.clear();
    await this.map.clear();
  }

  size(): Promise<number> {
    return this.map.sizeOr(this.fallback);
  }
}
