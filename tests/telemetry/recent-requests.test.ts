// The dashboard's in-memory request ring: bounded, newest first, redacted, per-minute layer counts.
import { expect, test } from "bun:test";
import { RecentRequests, finalLayerOf, type RequestInput } from "../../src/telemetry/recent-requests.ts";
import { Redactor } from "../../src/telemetry/redact.ts";

const SECRET = "sk-provider-secret-0123456789abcdef";
const base = (id: string, extra: Partial<RequestInput> = {}): RequestInput => ({ id, method: "POST", path: "/v1/chat/completions", status: 200, duration_ms: 5, layer: "l3", ...extra });

test("keeps the last N requests, newest first", () => {
  const recent = new RecentRequests(new Redactor(), { capacity: 3 });
  for (let i = 1; i <= 5; i++) recent.record(base(`r${i}`));
  expect(recent.list().map((r) => r.id)).toEqual(["r5", "r4", "r3"]);
  expect(recent.list(2).map((r) => r.id)).toEqual(["r5", "r4"]);
  expect(recent.totals.l3).toBe(5);
});

test("secrets in any field are masked before they are kept", () => {
  const recent = new RecentRequests(new Redactor({ secrets: [SECRET] }));
  recent.record(base("r1", { status: 401, layer: undefined, error: `upstream said: Incorrect API key provided: ${SECRET}` }));
  const [entry] = recent.list();
  expect(JSON.stringify(entry)).not.toContain(SECRET);
  expect(entry!.error).toContain("[REDACTED]");
  expect(entry!.layer).toBe("l0");
});

test("usage records attach to their request whether they arrive before or after it finishes", () => {
  const recent = new RecentRequests(new Redactor());
  const usage = (id: string, saved = false) => ({ ts: new Date().toISOString(), layer: saved ? ("l1a" as const) : ("l3" as const), provider: "openai", model: "gpt-4o-mini", input_tokens: 11, output_tokens: 7, cost_usd: 0.001, latency_ms: 3, status: "ok" as const, saved, request_id: id });
  recent.attachUsage(usage("early"));
  recent.record(base("early"));
  recent.record(base("late", { layer: "l1a" }));
  recent.attachUsage(usage("late", true));
  const [late, early] = recent.list();
  expect(early).toMatchObject({ id: "early", model: "gpt-4o-mini", tokens_in: 11, tokens_out: 7 });
  expect(late).toMatchObject({ id: "late", tokens_in: 11, saved: true });
  expect(recent.usage.summary(1).totals).toMatchObject({ requests: 1, deflected: 1, tokens_in: 11, tokens_saved: 18 });
});

test("per-minute buckets count each final layer and keep only the configured history", () => {
  let now = Date.UTC(2026, 0, 1, 12, 0, 30);
  const recent = new RecentRequests(new Redactor(), { minutes: 3, now: () => now });
  recent.record(base("a", { layer: "l3" }));
  recent.record(base("b", { layer: "l1a" }));
  now += 60_000;
  recent.record(base("c", { layer: "l1a" }));
  const series = recent.series(3);
  expect(series.map((b) => b.counts)).toEqual([{}, { l3: 1, l1a: 1 }, { l1a: 1 }]);
  expect(series.at(-1)!.minute).toBe(Date.UTC(2026, 0, 1, 12, 1));
  now += 10 * 60_000;
  recent.record(base("d", { layer: "l2" }));
  expect(recent.series(60).length).toBe(3);
  expect(recent.series(3).map((b) => b.counts)).toEqual([{}, {}, { l2: 1 }]);
});

test("a request with no layer ends in L0 when refused and in error otherwise", () => {
  expect(finalLayerOf(undefined, 401)).toBe("l0");
  expect(finalLayerOf(undefined, 429)).toBe("l0");
  expect(finalLayerOf(undefined, 502)).toBe("error");
  expect(finalLayerOf("l1b", 200)).toBe("l1b");
});
