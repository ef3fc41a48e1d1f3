// Usage records summed per day and provider/model: windows, retention and the one-time seed.
import { expect, test } from "bun:test";
import type { UsageRecord } from "../../src/providers/usage-log.ts";
import { UsageBook } from "../../src/telemetry/usage-book.ts";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 15, 12);
const rec = (daysAgo: number, extra: Partial<UsageRecord> = {}): UsageRecord => ({
  ts: new Date(NOW - daysAgo * DAY).toISOString(),
  layer: "l3",
  provider: "openai",
  model: "gpt-4o-mini",
  input_tokens: 10,
  output_tokens: 5,
  cost_usd: 0.5,
  latency_ms: 100,
  status: "ok",
  ...extra,
});

test("cloud calls, errors and deflections are summed per day and per provider/model inside the window", () => {
  const book = new UsageBook(() => NOW);
  book.add(rec(0));
  book.add(rec(0, { status: "error", input_tokens: 0, output_tokens: 0, cost_usd: 0 }));
  book.add(rec(1, { model: "gpt-4o", cost_usd: 2 }));
  book.add(rec(0, { layer: "l1a", saved: true, cost_usd: 0.25 }));
  book.add(rec(3));
  const week = book.summary(7);
  expect(week.totals).toMatchObject({ requests: 4, errors: 1, tokens_in: 30, tokens_out: 15, cost_usd: 3, deflected: 1, tokens_saved: 15, cost_saved_usd: 0.25 });
  expect(week.daily.map((d) => d.requests)).toEqual([0, 0, 0, 1, 0, 1, 2]);
  expect(week.daily.at(-1)!.day).toBe("2026-06-15");
  expect(week.by_model.map((m) => [m.model, m.requests])).toEqual([["gpt-4o-mini", 3], ["gpt-4o", 1]]);
  expect(book.summary(1).totals.requests).toBe(2);
});

test("records older than the 31-day retention are not counted, also once time moves on", () => {
  let now = NOW;
  const book = new UsageBook(() => now);
  book.add(rec(40));
  book.add(rec(30));
  expect(book.summary(31).totals.requests).toBe(1);
  now += 2 * DAY;
  book.add(rec(0));
  expect(book.summary(31).totals.requests).toBe(1);
});

test("the seed from disk is read once", () => {
  const book = new UsageBook(() => NOW);
  let reads = 0;
  const read = () => {
    reads++;
    return [rec(2), rec(2)];
  };
  book.seedOnce(read);
  book.seedOnce(read);
  expect(reads).toBe(1);
  expect(book.summary(7).totals.requests).toBe(2);
});
