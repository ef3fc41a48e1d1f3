// The in-memory vector store: scoped search, thresholds, ordering, LRU/TTL eviction that keeps the
// contiguous rows consistent.
import { describe, expect, test } from "bun:test";
import { MemoryVectorStore, topMatches } from "../../src/cache/memory-vector.ts";
import type { ChatResponse } from "../../src/pipeline/types.ts";

const unit = (...xs: number[]) => {
  const v = Float32Array.from(xs);
  const n = Math.hypot(...xs);
  return v.map((x) => x / n);
};
const answer = (text: string): ChatResponse => ({
  id: "x",
  created: 1,
  model: "m",
  message: { role: "assistant", content: [{ type: "text", text }] },
  finishReason: "stop",
  usage: { inputTokens: 1, outputTokens: 1 },
});
const entry = (q: string) => ({ question: q, response: answer(`answer to ${q}`) });
const textOf = (r: ChatResponse) => (r.message.content[0] as { text: string }).text;

describe("MemoryVectorStore", () => {
  test("finds only entries of the same scope", async () => {
    const s = new MemoryVectorStore({ capacity: 10, ttlSecs: 0 });
    await s.add("scope-a", unit(1, 0, 0), entry("qa"));
    await s.add("scope-b", unit(1, 0, 0), entry("qb"));
    const a = await s.search("scope-a", unit(1, 0, 0), { minScore: 0.5, limit: 4 });
    expect(a.map((m) => m.entry.question)).toEqual(["qa"]);
    expect(await s.search("scope-c", unit(1, 0, 0), { minScore: 0, limit: 4 })).toEqual([]);
  });

  test("returns matches at or above the threshold, best first, at most limit", async () => {
    const s = new MemoryVectorStore({ capacity: 10, ttlSecs: 0 });
    await s.add("s", unit(1, 0), entry("exact"));
    await s.add("s", unit(1, 1), entry("diagonal")); // cos 0.707
    await s.add("s", unit(0, 1), entry("orthogonal")); // cos 0
    await s.add("s", unit(1, 0.1), entry("close")); // cos 0.995
    const found = await s.search("s", unit(1, 0), { minScore: 0.7, limit: 4 });
    expect(found.map((m) => m.entry.question)).toEqual(["exact", "close", "diagonal"]);
    expect(found[0]!.score).toBeCloseTo(1, 5);
    expect((await s.search("s", unit(1, 0), { minScore: 0.7, limit: 2 })).map((m) => m.entry.question)).toEqual(["exact", "close"]);
    expect(await s.search("s", unit(-1, 0), { minScore: 0.5, limit: 4 })).toEqual([]);
  });

  test("the same question in the same scope replaces its entry", async () => {
    const s = new MemoryVectorStore({ capacity: 10, ttlSecs: 0 });
    await s.add("s", unit(1, 0), { question: "q", response: answer("old") });
    await s.add("s", unit(0, 1), { question: "q", response: answer("new") });
    expect(await s.size()).toBe(1);
    expect(await s.search("s", unit(1, 0), { minScore: 0.9, limit: 4 })).toEqual([]);
    const [m] = await s.search("s", unit(0, 1), { minScore: 0.9, limit: 4 });
    expect(textOf(m!.entry.response)).toBe("new");
  });

  test("capacity evicts the least recently used entry across scopes and keeps the rest findable", async () => {
    const s = new MemoryVectorStore({ capacity: 3, ttlSecs: 0 });
    const dirs = [unit(1, 0, 0, 0), unit(0, 1, 0, 0), unit(0, 0, 1, 0), unit(0, 0, 0, 1)];
    await s.add("s", dirs[0]!, entry("q0"));
    await s.add("s", dirs[1]!, entry("q1"));
    await s.add("t", dirs[2]!, entry("q2"));
    await s.search("s", dirs[0]!, { minScore: 0.9, limit: 1 }); // q0 becomes most recent
    await s.add("s", dirs[3]!, entry("q3")); // evicts q1 (swap-removes a row of scope s)
    expect(await s.size()).toBe(3);
    expect(await s.search("s", dirs[1]!, { minScore: 0.9, limit: 4 })).toEqual([]);
    for (const [scope, i] of [["s", 0], ["t", 2], ["s", 3]] as const) {
      const [m] = await s.search(scope, dirs[i]!, { minScore: 0.99, limit: 4 });
      expect(m!.entry.question).toBe(`q${i}`);
    }
    expect(s.scopeSize("s")).toBe(2);
  });

  test("expired entries are not returned and leave the store", async () => {
    const s = new MemoryVectorStore({ capacity: 10, ttlSecs: 1 });
    await s.add("s", unit(1, 0), entry("q"));
    expect((await s.search("s", unit(1, 0), { minScore: 0.9, limit: 4 })).length).toBe(1);
    await Bun.sleep(1100);
    expect(await s.search("s", unit(1, 0), { minScore: 0.9, limit: 4 })).toEqual([]);
    expect(await s.size()).toBe(0);
    expect(s.scopeSize("s")).toBe(0);
  });

  test("many adds and evictions keep every surviving row matched to its own entry", async () => {
    const s = new MemoryVectorStore({ capacity: 50, ttlSecs: 0 });
    const vec = (i: number) => unit(Math.cos(i), Math.sin(i), Math.cos(i * 7), Math.sin(i * 3));
    for (let i = 0; i < 400; i++) await s.add(`scope-${i % 3}`, vec(i), entry(`q${i}`));
    expect(await s.size()).toBe(50);
    for (let i = 350; i < 400; i++) {
      const [m] = await s.search(`scope-${i % 3}`, vec(i), { minScore: 0.9999, limit: 1 });
      expect(m?.entry.question).toBe(`q${i}`);
    }
  });

  test("a vector of another dimension is refused", async () => {
    const s = new MemoryVectorStore({ capacity: 10, ttlSecs: 0 });
    await s.add("s", unit(1, 0), entry("q"));
    expect(s.add("s", unit(1, 0, 0), entry("r"))).rejects.toThrow(/dimensions/);
  });

  test("clear empties every scope", async () => {
    const s = new MemoryVectorStore({ capacity: 10, ttlSecs: 0 });
    await s.add("s", unit(1, 0), entry("q"));
    await s.clear();
    expect(await s.size()).toBe(0);
    expect(await s.search("s", unit(1, 0), { minScore: 0, limit: 4 })).toEqual([]);
  });
});

test("topMatches agrees with a brute-force ranking", () => {
  const dims = 7;
  const count = 300;
  const rows = new Float32Array(dims * count).map((_, i) => Math.sin(i * 12.9898) * 0.5);
  const q = new Float32Array(dims).map((_, i) => Math.cos(i));
  const brute = Array.from({ length: count }, (_, r) => ({ row: r, score: q.reduce((s, x, j) => s + x * rows[r * dims + j]!, 0) }))
    .filter((m) => m.score >= 0.2)
    .sort((a, b) => b.score - a.score)
    .slice(0, 5);
  const fast = topMatches(rows, count, dims, q, 0.2, 5);
  expect(fast.map((m) => m.row)).toEqual(brute.map((m) => m.row));
  fast.forEach((m, i) => expect(m.score).toBeCloseTo(brute[i]!.score, 5));
});
