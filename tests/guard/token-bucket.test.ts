import { expect, test } from "bun:test";
import { TokenBucket } from "../../src/guard/token-bucket.ts";

test("a full bucket admits its budget, then refuses with the seconds until enough refilled", () => {
  let now = 0;
  const bucket = new TokenBucket(60, () => now);
  for (let i = 0; i < 60; i++) expect(bucket.take(1).ok).toBe(true);
  const refused = bucket.take(1);
  expect(refused).toEqual({ ok: false, retryAfterSecs: 1 });
  now += 1000; // one per second refills
  expect(bucket.take(1).ok).toBe(true);
  expect(bucket.take(1).ok).toBe(false);
});

test("refill never exceeds the budget, and charged usage can overdraw it", () => {
  let now = 0;
  const bucket = new TokenBucket(10, () => now);
  now += 10 * 60_000;
  for (let i = 0; i < 10; i++) expect(bucket.take(1).ok).toBe(true);
  expect(bucket.take(1).ok).toBe(false);
  now += 60_000;
  bucket.charge(15); // level 10 - 15 = -5
  const r = bucket.take(1);
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.retryAfterSecs).toBe(36); // 6 tokens at 10/min
});

test("a request larger than the bucket waits for a full bucket rather than forever", () => {
  let now = 0;
  const bucket = new TokenBucket(100, () => now);
  expect(bucket.take(500).ok).toBe(true);
  const r = bucket.take(500);
  expect(r.ok).toBe(false);
  now += 5 * 60_000;
  expect(bucket.take(500).ok).toBe(true);
});
