import { expect, test } from "bun:test";
import { AimdLimiter, type AimdOptions } from "../../src/guard/aimd-limiter.ts";
import { GatewayError } from "../../src/pipeline/errors.ts";

const opts = (o: Partial<AimdOptions> = {}): AimdOptions => ({
  initialLimit: 4,
  minLimit: 1,
  maxLimit: 8,
  targetLatencyMs: 1000,
  maxQueue: 10,
  queueTimeoutMs: 60_000,
  minWindow: 4,
  ...o,
});

test("admits up to the limit, queues the rest and hands slots over in arrival order", async () => {
  const l = new AimdLimiter(opts({ initialLimit: 2 }));
  const a = await l.acquire();
  const b = await l.acquire();
  const order: string[] = [];
  const c = l.acquire().then((r) => (order.push("c"), r));
  const d = l.acquire().then((r) => (order.push("d"), r));
  expect(l.inFlight).toBe(2);
  expect(l.queued).toBe(2);
  a("neutral", 0);
  (await c)("neutral", 0);
  b("neutral", 0);
  (await d)("neutral", 0);
  expect(order).toEqual(["c", "d"]);
  expect(l.inFlight).toBe(0);
});

test("a full queue and a too-long wait are 503s, not a pile-up", async () => {
  const l = new AimdLimiter(opts({ initialLimit: 1, maxQueue: 1, queueTimeoutMs: 50 }));
  const held = await l.acquire();
  const waiting = l.acquire().catch((e) => e);
  const overflow = await l.acquire().catch((e) => e);
  expect(overflow).toBeInstanceOf(GatewayError);
  expect((overflow as GatewayError).status).toBe(503);
  const timedOut = await waiting;
  expect((timedOut as GatewayError).status).toBe(503);
  expect((timedOut as GatewayError).message).toContain("50 ms");
  held("neutral", 0);
  expect(l.stats()).toMatchObject({ rejectedQueueFull: 1, rejectedTimeout: 1, queued: 0 });
});

test("an aborted waiter leaves the queue with the abort reason", async () => {
  const l = new AimdLimiter(opts({ initialLimit: 1 }));
  const held = await l.acquire();
  const ac = new AbortController();
  const waiting = l.acquire(ac.signal).catch((e) => e);
  ac.abort(new Error("client gone"));
  expect(((await waiting) as Error).message).toBe("client gone");
  expect(l.queued).toBe(0);
  held("neutral", 0);
});

test("overload halves the limit once per episode: calls started before the decrease do not halve it again", async () => {
  const l = new AimdLimiter(opts({ initialLimit: 8 }));
  const calls = await Promise.all(Array.from({ length: 4 }, () => l.acquire()));
  calls[0]!("overload", 10);
  expect(l.limit).toBe(4);
  calls[1]!("overload", 10);
  calls[2]!("overload", 10);
  expect(l.limit).toBe(4);
  const fresh = await l.acquire();
  fresh("overload", 10);
  expect(l.limit).toBe(2);
  calls[3]!("ok", 10);
  for (let i = 0; i < 5; i++) (await l.acquire())("overload", 10);
  expect(l.limit).toBe(1); // never below min_limit
});

test("a healthy, busy window adds one; an idle one does not; a slow p95 halves", async () => {
  const l = new AimdLimiter(opts({ initialLimit: 4 }));
  const busy = await Promise.all(Array.from({ length: 4 }, () => l.acquire()));
  for (const r of busy) r("ok", 100);
  expect(l.limit).toBe(5);
  for (let i = 0; i < 5; i++) (await l.acquire())("ok", 100); // one at a time: not using the limit
  expect(l.limit).toBe(5);
  const slow = await Promise.all(Array.from({ length: 5 }, () => l.acquire()));
  for (const r of slow) r("ok", 5000);
  expect(l.limit).toBe(2);
});

test("the limit never exceeds max_limit, and release is idempotent", async () => {
  const l = new AimdLimiter(opts({ initialLimit: 2, maxLimit: 3, minWindow: 2 }));
  for (let round = 0; round < 5; round++) {
    const rs = await Promise.all(Array.from({ length: Math.floor(l.limit) }, () => l.acquire()));
    for (const r of rs) r("ok", 1);
  }
  expect(l.limit).toBe(3);
  const r = await l.acquire();
  r("ok", 1);
  r("ok", 1);
  expect(l.inFlight).toBe(0);
});
