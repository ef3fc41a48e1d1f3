// Picks the cache stores for config.cache_backend: in-process (memory) or shared through Redis.
import type { Config } from "../config/types.ts";
import type { Logger } from "../telemetry/logger.ts";
import type { ExactStore } from "./exact-store.ts";
import { MemoryExactStore } from "./memory-exact.ts";
import { MemoryVectorStore } from "./memory-vector.ts";
import { RedisConnection, type RedisStatus } from "./redis-connection.ts";
import { RedisExactStore } from "./redis-exact.ts";
import { RedisVectorStore } from "./redis-vector.ts";
import type { VectorStore } from "./vector-store.ts";

export interface CacheBackendStatus {
  backend: Config["cache_backend"];
  redis?: RedisStatus & Partial<ReturnType<RedisVectorStore["status"]>>;
}

export interface CacheStores {
  exact(): ExactStore;
  vector(): VectorStore;
  status(): CacheBackendStatus;
  /** false while the first Redis connection attempt (and L1b's first load) is under way; a failed attempt counts as done */
  ready(): boolean;
  close(): Promise<void>;
}

export function createCacheStores(config: Config, logger: Logger): CacheStores {
  const bounds = { capacity: config.cache_max_capacity, ttlSecs: config.cache_ttl_secs, maxBytes: config.cache_max_bytes };
  if (config.cache_backend === "memory") {
    return {
      exact: () => new MemoryExactStore(bounds),
      vector: () => new MemoryVectorStore(bounds),
      status: () => ({ backend: "memory" }),
      ready: () => true,
      close: async () => {},
    };
  }
  const conn = new RedisConnection(config, logger);
  let vectorStore: RedisVectorStore | undefined;
  return {
    exact: () => new RedisExactStore(conn, bounds),
    vector: () => (vectorStore = new RedisVectorStore(conn, { ...bounds, vectorSearch: config.redis.vector_search }, logger)),
    status: () => ({ backend: "redis", redis: { ...conn.status(), ...vectorStore?.status() } }),
    ready: () => {
      const state = conn.status().state;
      return state === "down" || (state === "ready" && (!vectorStore || vectorStore.initiallySynced()));
    },
    close: async () => {
      await vectorStore?.close();
      await conn.close();
    },
  };
}
