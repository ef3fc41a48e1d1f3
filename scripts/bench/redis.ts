#!/usr/bin/env bun
// Memory vs Redis cache backends, measured in one run on this machine against a local redis-server on
// loopback (started here; needs the redis-server binary):
//   store      L1a get (hit) and set, L1b search (384-d, 1000 entries in one scope) and add; for Redis
//              also how long an entry added on one replica takes to be searchable on another
//   http       an L1a and an L1b hit through HTTP, one client, in-process gateway per backend
//   replicas   throughput of 2 `isartor up` processes on one Redis (hits only) against 1 process
// Target (seed 003's "Redis L1a > 5 ms" symptom): L1a get over Redis p95 < 2 ms on loopback.
// L1b through HTTP uses the tiny test encoder (32-d): its embed cost says nothing about MiniLM.
// Usage: bun scripts/bench/redis.ts [--iterations 2000] [--seconds 8] [--connections 16]
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../../src/config/load.ts";
import { MemoryExactStore } from "../../src/cache/memory-exact.ts";
import { MemoryVectorStore } from "../../src/cache/memory-vector.ts";
import { RedisConnection } from "../../src/cache/redis-connection.ts";
import { RedisExactStore } from "../../src/cache/redis-exact.ts";
import { RedisVectorStore } from "../../src/cache/redis-vector.ts";
import type { ChatResponse } from "../../src/pipeline/types.ts";
import { Logger } from "../../src/telemetry/logger.ts";
import { redactorFromConfig } from "../../src/telemetry/redact.ts";
import { TestRedis, REDIS_BINARY } from "../../tests/helpers/redis-server.ts";
import { isolatedEnv, spawnUp } from "../../tests/helpers/cli.ts";
import { startMockOpenAI } from "../../tests/helpers/mock-openai-upstream.ts";
import { startBenchGateway } from "./bench-gateway.ts";
import { fmtMs as fmt, pct, time } from "./timing.ts";

const ROOT = resolve(import.meta.dir, "../..");
const FIXTURE = join(ROOT, "tests/fixtures/models/tiny-minilm");
const { values } = parseArgs({ args: Bun.argv.slice(2), options: { iterations: { type: "string" }, seconds: { type: "string" }, connections: { type: "string" } } });
const ITER = Number(values.iterations ?? 2000);
const SECONDS = Number(values.seconds ?? 8);
const CONNECTIONS = Number(values.connections ?? 16);

if (!REDIS_BINARY) {
  console.log("redis-server is not installed (apt-get install -y redis-server): nothing to measure");
  process.exit(0);
}


const redis = await TestRedis.start();
const version = /redis_version:(\S+)/.exec(await redis.command("INFO", "server"))?.[1];
console.log(`redis-server ${version} on ${redis.url} (loopback, no persistence); ${navigator.hardwareConcurrency} CPU cores`);

const config = loadConfig({ env: { ISARTOR__CACHE_BACKEND: "redis", ISARTOR__REDIS_URL: redis.url, ISARTOR__REDIS__KEY_PREFIX: "bench" }, cwd: "/nonexistent", home: "/nonexistent" }).config;
const logger = new Logger("warn", redactorFromConfig(config));
const connA = new RedisConnection(config, logger);
const connB = new RedisConnection(config, logger);
while (!connA.usable() || !connB.usable()) await Bun.sleep(10);

const response: ChatResponse = {
  id: "chatcmpl-bench",
  created: 1_700_000_000,
  model: "gpt-4o-mini",
  message: { role: "assistant", content: [{ type: "text", text: "A typical cached answer of a few sentences. ".repeat(12) }] },
  finishReason: "stop",
  usage: { inputTokens: 40, outputTokens: 120 },
};
const bounds = { capacity: 100_000, ttlSecs: 600 };

// ---- store level
console.log("\n== store level (one caller, sequential)");
const memExact = new MemoryExactStore(bounds);
const redisExact = new RedisExactStore(connA, bounds);
const keys = Array.from({ length: 1000 }, (_, i) => `x:${i.toString(16).padStart(64, "0")}`);
const memSet = await time(ITER, (i) => memExact.set(keys[i % keys.length]!, response));
const redisSet = await time(ITER, (i) => redisExact.set(keys[i % keys.length]!, response));
const memGet = await time(ITER, (i) => memExact.get(keys[i % keys.length]!));
const redisGet = await time(ITER, (i) => redisExact.get(keys[i % keys.length]!));
console.log(`L1a get hit  memory ${fmt(memGet)}   redis ${fmt(redisGet)}   (target redis p95 < 2 ms: ${pct(redisGet, 0.95) < 2 ? "met" : "MISSED"})`);
console.log(`L1a set      memory ${fmt(memSet)}   redis ${fmt(redisSet)}`);

function unit(seed: number, dims = 384): Float32Array {
  const v = new Float32Array(dims);
  let s = seed * 2654435761;
  for (let i = 0; i < dims; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    v[i] = s / 2 ** 32 - 0.5;
  }
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
const memVec = new MemoryVectorStore(bounds);
const vecA = new RedisVectorStore(connA, { ...bounds, vectorSearch: "replica" }, logger);
const vecB = new RedisVectorStore(connB, { ...bounds, vectorSearch: "replica" }, logger);
await Promise.all([vecA.synced(), vecB.synced()]);
const vectors = Array.from({ length: 1000 }, (_, i) => unit(i + 1));
const memAdd = await time(vectors.length, (i) => memVec.add("s:bench", vectors[i]!, { question: `q${i}`, response }));
const redisAdd = await time(vectors.length, (i) => vecA.add("s:bench", vectors[i]!, { question: `q${i}`, response }));
const queries = Array.from({ length: Math.min(ITER, 1000) }, (_, i) => vectors[(i * 7) % vectors.length]!);
const memSearch = await time(queries.length, (i) => memVec.search("s:bench", queries[i]!, { minScore: 0.85, limit: 4 }));
const redisSearch = await time(queries.length, (i) => vecA.search("s:bench", queries[i]!, { minScore: 0.85, limit: 4 }));
console.log(`L1b search   memory ${fmt(memSearch)}   redis ${fmt(redisSearch)}   (${vecA.status().vector_search}: 1000 × 384-d in one scope)`);
console.log(`L1b add      memory ${fmt(memAdd)}   redis ${fmt(redisAdd)}`);
const spread: number[] = [];
for (let i = 0; i < 200; i++) {
  const v = unit(10_000 + i);
  const t = performance.now();
  await vecA.add("s:spread", v, { question: `spread ${i}`, response });
  while ((await vecB.search("s:spread", v, { minScore: 0.999, limit: 1 })).length === 0) await Bun.sleep(0);
  spread.push(performance.now() - t);
}
console.log(`L1b add on replica A → searchable on replica B   ${fmt(spread)}`);
await Promise.all([vecA.close(), vecB.close(), connA.close(), connB.close()]);

// ---- HTTP level
console.log("\n== HTTP level (in-process gateway, one client, mock upstream)");
const upstream = startMockOpenAI([{ text: "Answer from upstream" }]);
const upstreamPort = Number(new URL(upstream.url).port);
async function ask(base: string, content: string) {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }),
  });
  await res.arrayBuffer();
  return res.headers.get("x-isartor-layer");
}
const httpRows: string[] = [];
for (const backend of ["memory", "redis"]) {
  const gw = await startBenchGateway({
    modelDir: FIXTURE,
    upstreamPort,
    env: { ISARTOR__CACHE_BACKEND: backend, ISARTOR__REDIS_URL: redis.url, ISARTOR__REDIS__KEY_PREFIX: `http-${backend}`, ISARTOR__SIMILARITY_THRESHOLD: "0.99" },
  });
  const n = Math.min(ITER, 500);
  for (let i = 0; i < 50; i++) await ask(gw.url, `benchmark question ${i}`);
  await Bun.sleep(200);
  const layers = new Map<string, number>();
  const count = (l: string | null) => layers.set(l ?? "none", (layers.get(l ?? "none") ?? 0) + 1);
  const l1a = await time(n, async (i) => count(await ask(gw.url, `benchmark question ${i % 50}`)));
  // trailing spaces: a new exact key, the same embedded question → L1b
  const l1b = await time(n, async (i) => count(await ask(gw.url, `benchmark question ${i % 50}${" ".repeat(1 + Math.floor(i / 50))}`)));
  httpRows.push(`${backend.padEnd(6)}  L1a hit ${fmt(l1a)}   L1b hit ${fmt(l1b)}   layers ${[...layers].map(([k, v]) => `${k}:${v}`).join(" ")}`);
  await gw.stop();
}
for (const row of httpRows) console.log(row);

// ---- replicas
console.log(`\n== throughput: ${CONNECTIONS} concurrent clients for ${SECONDS} s, L1a hits only (isartor up processes)`);
async function replica(backend: string) {
  const env = isolatedEnv({
    ISARTOR__CACHE_BACKEND: backend,
    ISARTOR__REDIS_URL: redis.url,
    ISARTOR__REDIS__KEY_PREFIX: "throughput",
    ISARTOR__CACHE_MODE: "exact",
    ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url,
    ISARTOR__EXTERNAL_LLM_API_KEY: "bench",
    ISARTOR__LOG_LEVEL: "error",
    ISARTOR__REQUEST_LOG__ENABLED: "false",
    ISARTOR__USAGE__ENABLED: "false",
    ISARTOR__PROVIDER_HEALTH_CHECK_INTERVAL_SECS: "0",
  });
  return spawnUp([], env);
}
async function load(targets: string[]) {
  for (const t of targets) for (let i = 0; i < 100; i++) await ask(t, `throughput prompt ${i}`);
  const latencies: number[] = [];
  let misses = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, c) => {
      for (let i = c; performance.now() < end; i += CONNECTIONS) {
        const t = performance.now();
        if ((await ask(targets[i % targets.length]!, `throughput prompt ${i % 100}`)) !== "l1a") misses++;
        latencies.push(performance.now() - t);
      }
    }),
  );
  return `${(latencies.length / SECONDS).toFixed(0)} req/s  ${fmt(latencies)}  non-L1a answers ${misses}`;
}
for (const [label, backend, count] of [["1 replica, memory", "memory", 1], ["1 replica, redis ", "redis", 1], ["2 replicas, redis", "redis", 2]] as const) {
  const procs = await Promise.all(Array.from({ length: count }, () => replica(backend)));
  console.log(`${label}  ${await load(procs.map((p) => p.url))}`);
  for (const p of procs) p.proc.kill("SIGTERM");
  await Promise.all(procs.map((p) => p.proc.exited));
}
console.log("(client and replicas share this machine's cores: on 2 cores a second replica adds no CPU, only sharing)");
upstream.stop();
await redis.stop();
process.exit(0);
