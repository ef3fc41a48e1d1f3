// cache_max_bytes bounds each in-memory cache by the bytes it holds, not only by its entry count:
// big answers push out the least recently used ones, and one bigger than the whole budget is never
// stored (for the vector store: it gets no vector row either).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MemoryExactStore } from "../../src/cache/memory-exact.ts";
import { MemoryVectorStore } from "../../src/cache/memory-vector.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { startFaultUpstream, type FaultUpstream } from "../helpers/fault-upstream.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { textResponse } from "../helpers/text-response.ts";
import { ask, chainEnv } from "../providers/provider-env.ts";

const answer = (chars: number) => textResponse("z".repeat(chars));

describe("MemoryExactStore", () => {
  test("holds about maxBytes of answers however many entries it may hold", async () => {
    const store = new MemoryExactStore({ capacity: 10_000, ttlSecs: 0, maxBytes: 1_000_000 });
    for (let i = 0; i < 100; i++) await store.set(`k${i}`, answer(50_000));
    // each answer is ~100 kB in memory: 9 fit in 1 MB, whatever the 10 000-entry capacity says
    expect(await store.size()).toBeLessThanOrEqual(10);
    expect(await store.get("k99")).toBeDefined();
    expect(await store.get("k0")).toBeUndefined();
  });

  test("an answer bigger than the whole budget is not stored", async () => {
    const store = new MemoryExactStore({ capacity: 10, ttlSecs: 0, maxBytes: 100_000 });
    await store.set("huge", answer(200_000));
    expect(await store.get("huge")).toBeUndefined();
    expect(await store.size()).toBe(0);
  });
});

describe("MemoryVectorStore", () => {
  const v = (i: number) => Float32Array.from({ length: 8 }, (_, j) => (j === i % 8 ? 1 : 0));

  test("evicts by bytes and keeps rows and entries consistent", async () => {
    const store = new MemoryVectorStore({ capacity: 10_000, ttlSecs: 0, maxBytes: 1_000_000 });
    for (let i = 0; i < 100; i++) await store.add("scope", v(i), { question: `q${i}`, response: answer(50_000) });
    expect(await store.size()).toBeLessThanOrEqual(10);
    expect(store.scopeSize("scope")).toBe(await store.size());
    const found = await store.search("scope", v(99), { minScore: 0.9, limit: 20 });
    expect(found.map((m) => m.entry.question)).toContain("q99");
    expect(found.map((m) => m.entry.question)).not.toContain("q3");
  });

  test("an entry bigger than the whole budget gets no row", async () => {
    const store = new MemoryVectorStore({ capacity: 10, ttlSecs: 0, maxBytes: 100_000 });
    await store.add("scope", v(0), { question: "huge", response: answer(200_000) });
    expect(await store.size()).toBe(0);
    expect(store.scopeSize("scope")).toBe(0);
    expect(await store.search("scope", v(0), { minScore: 0.5, limit: 4 })).toEqual([]);
  });
});

describe("through the gateway (cache_max_bytes)", () => {
  let up: FaultUpstream;
  let gateway: RunningGateway;
  beforeAll(async () => {
    up = await startFaultUpstream("big");
    up.otherwise = { kind: "big", bytes: 40_000 };
    gateway = await startTestGateway(chainEnv([up], { ISARTOR__CACHE_MAX_BYTES: "200000" }, () => ({ timeout_secs: 10 })), { logSink: () => {} });
  });
  afterAll(async () => {
    await gateway.stop();
    await up.stop();
  });
  const layer = async (q: string) => {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ask(q)) });
    await res.text();
    return res.headers.get("x-isartor-layer");
  };

  test("big answers push the oldest out of the exact cache", async () => {
    for (const q of ["p1", "p2", "p3", "p4"]) expect(await layer(q)).toBe("l3");
    expect(await layer("p4")).toBe("l1a");
    expect(await layer("p1")).toBe("l3");
  });
});
