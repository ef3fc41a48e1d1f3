import { expect, test } from "bun:test";
import { MemoryExactStore } from "../../src/cache/memory-exact.ts";
import { textResponse as res } from "../helpers/text-response.ts";

test("LRU evicts the least recently used entry at capacity", async () => {
  const store = new MemoryExactStore({ capacity: 2, ttlSecs: 0 });
  await store.set("a", res("a"));
  await store.set("b", res("b"));
  await store.get("a"); // a is now most recent
  await store.set("c", res("c"));
  expect(await store.get("b")).toBeUndefined();
  expect((await store.get("a"))?.message.content).toEqual([{ type: "text", text: "a" }]);
  expect(await store.get("c")).toBeDefined();
  expect(await store.size()).toBe(2);
});

test("entries expire after the TTL", async () => {
  let now = 1_000;
  const store = new MemoryExactStore({ capacity: 10, ttlSecs: 5, clock: { now: () => now } });
  await store.set("k", res("v"));
  now += 4_000;
  expect(await store.get("k")).toBeDefined();
  now += 1_500;
  expect(await store.get("k")).toBeUndefined();
  expect(await store.size()).toBe(0);
});
