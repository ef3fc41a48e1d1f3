import { expect, test } from "bun:test";
import { ResponseHistory } from "../../src/cache/response-history.ts";

const limits = { maxEntries: 3, ttlMs: 1000, maxTotalChars: 10_000 };

test("an entry is only found by the tenant that stored it", () => {
  const h = new ResponseHistory(limits);
  h.set("tenant-a", "resp_1", [{ role: "user", content: "hi" }]);
  expect(h.get("tenant-a", "resp_1")).toEqual([{ role: "user", content: "hi" }]);
  expect(h.get("tenant-b", "resp_1")).toBeUndefined();
});

test("the least recently used entry goes first when the count limit is reached", () => {
  const h = new ResponseHistory(limits);
  for (const id of ["r1", "r2", "r3"]) h.set("t", id, [id]);
  h.get("t", "r1");
  h.set("t", "r4", ["r4"]);
  expect(h.size).toBe(3);
  expect(h.get("t", "r2")).toBeUndefined();
  expect(h.get("t", "r1")).toEqual(["r1"]);
});

test("entries expire after the TTL", () => {
  let now = 0;
  const h = new ResponseHistory(limits, () => now);
  h.set("t", "r1", ["x"]);
  now = 999;
  expect(h.get("t", "r1")).toEqual(["x"]);
  now = 2000;
  expect(h.get("t", "r1")).toBeUndefined();
  expect(h.size).toBe(0);
});

test("the total size stays under its limit; an entry larger than the limit is not kept", () => {
  const h = new ResponseHistory({ ...limits, maxEntries: 100, maxTotalChars: 100 });
  h.set("t", "big", ["y".repeat(200)]);
  expect(h.get("t", "big")).toBeUndefined();
  for (let i = 0; i < 10; i++) h.set("t", `r${i}`, ["z".repeat(30)]);
  expect(h.size).toBeLessThanOrEqual(2);
  expect(h.get("t", "r9")).toBeDefined();
});

test("what is returned is a copy: a caller changing it does not change the stored conversation", () => {
  const h = new ResponseHistory(limits);
  h.set("t", "r1", [{ role: "user", content: "hi" }]);
  (h.get("t", "r1")![0] as { content: string }).content = "changed";
  expect(h.get("t", "r1")).toEqual([{ role: "user", content: "hi" }]);
});
