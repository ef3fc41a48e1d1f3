// Memory stays flat under many unique requests: nothing per request outlives it (no abort
// controllers, signals or timers kept reachable by a listener left on a caller's signal), and the
// cache holds what its byte budget allows, whatever the count limit says. Counted, not timed.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { heapStats } from "bun:jsc";
import { startFaultUpstream, type FaultUpstream } from "../helpers/fault-upstream.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { ask, chainEnv } from "../providers/provider-env.ts";

const REQUESTS = 1200;
let up: FaultUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  up = await startFaultUpstream("flat");
  up.otherwise = { kind: "big", bytes: 4000 };
  gateway = await startTestGateway(chainEnv([up], { ISARTOR__CACHE_MAX_BYTES: String(400_000), ISARTOR__CACHE_MAX_CAPACITY: "100000" }, () => ({ timeout_secs: 30 })), {
    logSink: () => {},
  });
});
afterAll(async () => {
  await gateway.stop();
  await up.stop();
});

const perRequestObjects = () => {
  Bun.gc(true);
  const counts = heapStats().objectTypeCounts;
  return { AbortController: counts.AbortController ?? 0, AbortSignal: counts.AbortSignal ?? 0, Timeout: counts.Timeout ?? 0 };
};

test(`${REQUESTS} unique requests (half streamed) leave no per-request objects behind, and the cache stays within its bytes`, async () => {
  const before = perRequestObjects();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < REQUESTS) {
        const i = next++;
        const res = await fetch(`${gateway.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(ask(`unique ${i}`, { stream: i % 2 === 0 })),
        });
        expect(res.status).toBe(200);
        await res.text();
      }
    }),
  );
  const after = perRequestObjects();
  for (const kind of ["AbortController", "AbortSignal", "Timeout"] as const) expect(after[kind] - before[kind]).toBeLessThan(REQUESTS / 10);
  // each answer is ~8 kB in memory: 400 kB holds about 50 of the 1200, not all of them
  const entries = await gateway.services.runtime.caches.find((c) => c.name === "exact")!.size();
  expect(entries).toBeGreaterThan(10);
  expect(entries).toBeLessThan(100);
}, 120_000);
