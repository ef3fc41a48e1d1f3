// The Redis stores against a real redis-server: two connections stand for two replicas. TTL, capacity,
// tenant isolation, the semantic change feed (including a replica that connects later) and the outage
// behaviour (no waiting, one log line, sharing resumes).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { exactKey } from "../../src/cache/keys.ts";
import { RedisConnection } from "../../src/cache/redis-connection.ts";
import { RedisExactStore } from "../../src/cache/redis-exact.ts";
import { RedisVectorStore } from "../../src/cache/redis-vector.ts";
import type { Config } from "../../src/config/types.ts";
import type { ChatRequest, ChatResponse } from "../../src/pipeline/types.ts";
import { Logger } from "../../src/telemetry/logger.ts";
import { redactorFromConfig } from "../../src/telemetry/redact.ts";
import { loadConfig } from "../../src/config/load.ts";
import { redisMissing, TestRedis } from "../helpers/redis-server.ts";

const skip = redisMissing();
let redis: TestRedis;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  if (!skip) redis = await TestRedis.start();
});
afterAll(async () => {
  for (const c of open.reverse()) await c.close();
  await redis?.stop();
});

// loadConfig directly (not tests/helpers/gateway.ts): these tests need no HTTP server
function testConfig(env: Record<string, string>): Config {
  return loadConfig({ env: { ISARTOR__LOG_LEVEL: "warn", ...env }, cwd: "/nonexistent", home: "/nonexistent" }).config;
}

let prefixes = 0;
function configFor(extra: Record<string, string> = {}): Config {
  return testConfig({ ISARTOR__CACHE_BACKEND: "redis", ISARTOR__REDIS_URL: redis.url, ISARTOR__REDIS__KEY_PREFIX: `t${++prefixes}-${process.pid}`, ...extra });
}

function replica(config: Config) {
  const lines: string[] = [];
  const logger = new Logger("info", redactorFromConfig(config), (l) => lines.push(l));
  const conn = new RedisConnection(config, logger);
  open.push(conn);
  return { conn, logger, lines };
}

/** A replica's vector store on its own connection, once connected and past its first sync. */
async function syncedVectorStore(config: Config, bounds: ConstructorParameters<typeof RedisVectorStore>[1]) {
  const r = replica(config);
  const store = new RedisVectorStore(r.conn, bounds, r.logger);
  open.push(store);
  await until(() => r.conn.usable(), "connection");
  await store.synced();
  return { ...r, store };
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}

const answer = (text: string): ChatResponse => ({
  id: `chatcmpl-${text}`,
  created: 1_700_000_000,
  model: "gpt-4o-mini",
  message: { role: "assistant", content: [{ type: "text", text }] },
  finishReason: "stop",
  usage: { inputTokens: 5, outputTokens: 3 },
});
const request = (text: string): ChatRequest => ({ model: "gpt-4o-mini", system: [], messages: [{ role: "user", content: [{ type: "text", text }] }], params: {}, extra: {}, stream: false, source: { format: "openai", body: {} } });

function unit(seed: number, dims = 8): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = Math.sin(seed * 7.1 + i * 1.3);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

describe.skipIf(skip)("RedisExactStore", () => {
  test("an entry stored through one replica is read by another, with TTL set on every key", async () => {
    const config = configFor();
    const a = replica(config);
    const b = replica(config);
    await until(() => a.conn.usable() && b.conn.usable(), "both connections");
    const storeA = new RedisExactStore(a.conn, { capacity: 100, ttlSecs: 60 });
    const storeB = new RedisExactStore(b.conn, { capacity: 100, ttlSecs: 60 });
    const key = exactKey("tenant-1", "gpt-4o-mini", request("what is 2+2?"));
    expect(await storeB.get(key)).toBeUndefined();
    await storeA.set(key, answer("four"));
    expect((await storeB.get(key))?.message).toEqual(answer("four").message);
    const keys = (await a.conn.client.keys(`${config.redis.key_prefix}:v1:*`)) as string[];
    expect(keys.length).toBe(3);
    for (const k of keys) {
      const ttl = await a.conn.client.pttl(k);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
    expect(await storeB.size()).toBe(1);
  });

  test("entries expire after cache_ttl_secs", async () => {
    const conn = replica(configFor()).conn;
    await until(() => conn.usable(), "connection");
    const store = new RedisExactStore(conn, { capacity: 100, ttlSecs: 1 });
    await store.set("x:ttl", answer("soon gone"));
    expect(await store.get("x:ttl")).toBeDefined();
    await until(async () => (await store.get("x:ttl")) === undefined, "expiry", 5000);
    expect(await store.size()).toBe(0);
  });

  test("capacity holds with two writers; the least recently used entries leave first", async () => {
    const config = configFor();
    const [a, b] = [replica(config), replica(config)];
    await until(() => a.conn.usable() && b.conn.usable(), "both connections");
    const storeA = new RedisExactStore(a.conn, { capacity: 10, ttlSecs: 60 });
    const storeB = new RedisExactStore(b.conn, { capacity: 10, ttlSecs: 60 });
    for (let i = 0; i < 5; i++) await storeA.set(`x:${i}`, answer(`a${i}`));
    await Bun.sleep(5);
    expect(await storeB.get("x:0")).toBeDefined(); // x:0 is now the most recent
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? storeA : storeB).set(`x:${i + 5}`, answer(`w${i}`))));
    expect(await storeA.size()).toBe(10);
    const live = (await a.conn.client.keys(`${config.redis.key_prefix}:v1:{exact}:e:*`)) as string[];
    expect(live.length).toBe(10);
    expect(await storeA.get("x:1")).toBeUndefined();
  });

  test("tenants never share an entry: the same prompt under another tenant misses", async () => {
    const conn = replica(configFor()).conn;
    await until(() => conn.usable(), "connection");
    const store = new RedisExactStore(conn, { capacity: 100, ttlSecs: 60 });
    const req = request("the same words");
    await store.set(exactKey("alice", "gpt-4o-mini", req), answer("for alice"));
    expect(await store.get(exactKey("bob", "gpt-4o-mini", req))).toBeUndefined();
    expect((await store.get(exactKey("alice", "gpt-4o-mini", req)))?.id).toBe("chatcmpl-for alice");
  });

  test("clear() purges the shared cache", async () => {
    const conn = replica(configFor()).conn;
    await until(() => conn.usable(), "connection");
    const store = new RedisExactStore(conn, { capacity: 100, ttlSecs: 60 });
    for (let i = 0; i < 7; i++) await store.set(`x:c${i}`, answer(`c${i}`));
    await store.clear();
    expect(await store.size()).toBe(0);
    expect(await store.get("x:c3")).toBeUndefined();
  });
});

describe.skipIf(skip)("RedisVectorStore (replica index on plain Redis)", () => {
  test("detects the server: Debian's Redis 7 has no vector sets, so each replica keeps an index", async () => {
    const { conn, store } = await syncedVectorStore(configFor(), { capacity: 100, ttlSecs: 60, vectorSearch: "auto" });
    const info = (await conn.client.info("server")) as string;
    const major = Number(/redis_version:(\d+)/.exec(info)![1]);
    expect(store.status().vector_search).toBe(major >= 8 ? "vector-set" : "replica-index");
    expect(store.status().server.vector_sets).toBe(major >= 8);
  });

  test("an entry added on replica A is found on replica B, and by a replica started afterwards", async () => {
    const config = configFor();
    const bounds = { capacity: 100, ttlSecs: 60, vectorSearch: "replica" as const };
    const [{ store: storeA }, { store: storeB }] = await Promise.all([syncedVectorStore(config, bounds), syncedVectorStore(config, bounds)]);
    await storeA.add("s:scope1", unit(1), { question: "what is a monad?", response: answer("a monoid") });
    await until(async () => (await storeB.search("s:scope1", unit(1), { minScore: 0.99, limit: 4 })).length === 1, "B sees A's entry");
    const [hit] = await storeB.search("s:scope1", unit(1), { minScore: 0.99, limit: 4 });
    expect(hit!.entry.question).toBe("what is a monad?");
    expect(hit!.score).toBeCloseTo(1, 5);
    // another scope (tenant, system prompt, …) never sees it
    expect(await storeB.search("s:scope2", unit(1), { minScore: 0, limit: 4 })).toEqual([]);

    const { store: storeLate } = await syncedVectorStore(config, bounds);
    expect((await storeLate.search("s:scope1", unit(1), { minScore: 0.99, limit: 4 }))[0]?.entry.response.id).toBe("chatcmpl-a monoid");
    expect(storeLate.status().last_sync?.loaded).toBe(1);
  });

  test("a replica that loads an entry later keeps the entry's own expiry, not a fresh TTL", async () => {
    const config = configFor();
    const bounds = { capacity: 100, ttlSecs: 3, vectorSearch: "replica" as const };
    const { store: storeA } = await syncedVectorStore(config, bounds);
    const addedAt = performance.now();
    await storeA.add("s:ttl", unit(9), { question: "short-lived", response: answer("soon stale") });
    await Bun.sleep(1500);
    const { store: storeLate } = await syncedVectorStore(config, bounds);
    const loadedAt = performance.now();
    expect((await storeLate.search("s:ttl", unit(9), { minScore: 0.99, limit: 1 })).length).toBe(1);
    await until(async () => (await storeLate.search("s:ttl", unit(9), { minScore: 0.99, limit: 1 })).length === 0, "expiry on the late replica", 10_000);
    // gone about 3 s after the add on A (≤ 1.5 s after the load), not a full TTL after the load
    expect(performance.now() - loadedAt).toBeLessThan(2500);
    expect(performance.now() - addedAt).toBeGreaterThanOrEqual(2900);
  }, 30_000);

  test("an admin purge on one replica clears the others' indexes", async () => {
    const config = configFor();
    const bounds = { capacity: 100, ttlSecs: 60, vectorSearch: "replica" as const };
    const [{ store: storeA }, { store: storeB }] = await Promise.all([syncedVectorStore(config, bounds), syncedVectorStore(config, bounds)]);
    await storeB.add("s:p", unit(2), { question: "q", response: answer("r") });
    await until(async () => (await storeA.search("s:p", unit(2), { minScore: 0.99, limit: 1 })).length === 1, "A sees B's entry");
    await storeA.clear();
    await until(async () => (await storeB.search("s:p", unit(2), { minScore: 0, limit: 1 })).length === 0, "B's index cleared");
    expect(await storeB.size()).toBe(0);
  });
});

describe.skipIf(skip)("outage", () => {
  test("Redis down at startup: stores answer from memory at once, one log line, sharing resumes when Redis is up", async () => {
    const down = await TestRedis.start();
    await down.kill();
    const config = testConfig({ ISARTOR__CACHE_BACKEND: "redis", ISARTOR__REDIS_URL: down.url, ISARTOR__REDIS__KEY_PREFIX: `out-${process.pid}` });
    const a = replica(config);
    const b = replica(config);
    const storeA = new RedisExactStore(a.conn, { capacity: 100, ttlSecs: 60 });
    const storeB = new RedisExactStore(b.conn, { capacity: 100, ttlSecs: 60 });
    await until(() => a.lines.length > 0, "the outage log line");
    const started = performance.now();
    for (let i = 0; i < 200; i++) {
      await storeA.set(`x:o${i}`, answer(`o${i}`));
      expect(await storeA.get(`x:o${i}`)).toBeDefined(); // from this replica's memory
    }
    // 400 calls without Redis take no network waits (generous bound for a loaded machine)
    expect(performance.now() - started).toBeLessThan(2000);
    await Bun.sleep(1500); // several reconnect attempts happen meanwhile
    expect(a.lines.filter((l) => l.includes("redis unavailable")).length).toBe(1);
    expect(a.conn.status().state).toBe("down");

    await down.restart();
    await until(() => a.conn.usable() && b.conn.usable(), "reconnect", 20_000);
    expect(a.lines.some((l) => l.includes("redis reconnected"))).toBe(true);
    await storeA.set("x:after", answer("shared again"));
    expect((await storeB.get("x:after"))?.id).toBe("chatcmpl-shared again");
    await down.stop();
  }, 60_000);

  test("a hung Redis (connections open, no answers) costs one command timeout per second, not one per request", async () => {
    const hung = await TestRedis.start();
    const config = testConfig({ ISARTOR__CACHE_BACKEND: "redis", ISARTOR__REDIS_URL: hung.url, ISARTOR__REDIS__KEY_PREFIX: `hung-${process.pid}`, ISARTOR__REDIS__COMMAND_TIMEOUT_MS: "200" });
    const a = replica(config);
    const store = new RedisExactStore(a.conn, { capacity: 100, ttlSecs: 60 });
    await until(() => a.conn.usable(), "connection");
    await store.set("x:before", answer("stored before the hang"));
    hung.pause();
    const started = performance.now();
    for (let i = 0; i < 50; i++) await store.get(`x:h${i}`);
    const elapsed = performance.now() - started;
    // the first call waits for the 200 ms timeout, the other 49 skip Redis (50 timeouts would be 10 s)
    expect(elapsed).toBeLessThan(1500);
    expect(a.lines.filter((l) => l.includes("time out")).length).toBe(1);
    hung.resume();
    await until(async () => (await store.get("x:before"))?.id === "chatcmpl-stored before the hang", "Redis used again", 10_000);
    expect(a.lines.some((l) => l.includes("answers in time again"))).toBe(true);
    await hung.stop();
  }, 60_000);

  test("Redis killed mid-traffic: calls keep returning without waiting; after restart entries are shared again", async () => {
    const r = await TestRedis.start();
    const config = testConfig({ ISARTOR__CACHE_BACKEND: "redis", ISARTOR__REDIS_URL: r.url, ISARTOR__REDIS__KEY_PREFIX: `kill-${process.pid}` });
    const bounds = { capacity: 100, ttlSecs: 60, vectorSearch: "replica" as const };
    const [a, b] = await Promise.all([syncedVectorStore(config, bounds), syncedVectorStore(config, bounds)]);
    const [vecA, vecB] = [a.store, b.store];
    await r.kill();
    await until(() => !a.conn.usable(), "A notices the outage");
    const t0 = performance.now();
    await vecA.add("s:k", unit(3), { question: "during outage", response: answer("local only") });
    expect((await vecA.search("s:k", unit(3), { minScore: 0.99, limit: 1 })).length).toBe(1);
    expect(performance.now() - t0).toBeLessThan(1000);
    await r.restart();
    await until(() => a.conn.usable() && b.conn.usable(), "reconnect", 20_000);
    await Promise.all([vecA.synced(), vecB.synced()]);
    await vecA.add("s:k", unit(4), { question: "after restart", response: answer("shared") });
    await until(async () => (await vecB.search("s:k", unit(4), { minScore: 0.99, limit: 1 })).length === 1, "B sees the entry added after the restart");
    await r.stop();
  }, 60_000);
});
