// The in-memory vector store: scoped search, thresholds, ordering, LRU/TTL eviction that keeps the
// contiguous rows consistent.
import { describe, expect, test } from "bun:test";
import { MemoryVectorStore, topMatches } from "../../src/cache/memory-vector.ts";
import { Int8Index, simdKernel } from "../../src/cache/int8-index.ts";
import type { ChatResponse } from "../../src/pipeline/types.ts";
import { textResponse } from "../helpers/text-response.ts";

const unit = (...xs: number[]) => {
  const v = Float32Array.from(xs);
  const n = Math.hypot(...xs);
  return v.map((x) => x / n);
};
const entry = (q: string) => ({ question: q, response: textResponse(`answer to ${q}`) });
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
    await s.add("s", unit(1, 0), { question: "q", response: textResponse("old") });
    await s.add("s", unit(0, 1), { question: "q", response: textResponse("new") });
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

// ---- the SIMD path (int8 coarse scan + exact re-rank) must give the flat scan's answer exactly ----

/** deterministic PRNG so a failure reproduces */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}
const gauss = (rand: () => number) => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
function normalise(v: Float32Array) {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let j = 0; j < v.length; j++) v[j]! /= n;
  return v;
}
/** random unit rows; "clustered": rows are noisy copies of a few centres (many near-ties, like FAQ paraphrases) */
function makeRows(rand: () => number, count: number, dims: number, kind: "random" | "clustered" | "skewed") {
  const rows = new Float32Array(count * dims);
  const centres = Array.from({ length: 8 }, () => normalise(Float32Array.from({ length: dims }, () => gauss(rand))));
  for (let r = 0; r < count; r++) {
    const v = rows.subarray(r * dims, (r + 1) * dims);
    const c = centres[r % centres.length]!;
    for (let j = 0; j < dims; j++) {
      if (kind === "random") v[j] = gauss(rand);
      else if (kind === "clustered") v[j] = c[j]! + 0.05 * gauss(rand);
      else v[j] = gauss(rand) * (j % 7 === 0 ? 20 : 1); // a few large components: coarse int8 steps
    }
    normalise(v);
  }
  return rows;
}
function queryNear(rand: () => number, rows: Float32Array, count: number, dims: number, noise: number) {
  const r = Math.floor(rand() * count);
  return normalise(Float32Array.from({ length: dims }, (_, j) => rows[r * dims + j]! + noise * gauss(rand)));
}
const expectSame = (fast: { row: number; score: number }[], naive: { row: number; score: number }[]) => {
  expect(fast.map((m) => m.row)).toEqual(naive.map((m) => m.row));
  fast.forEach((m, i) => expect(Math.abs(m.score - naive[i]!.score)).toBeLessThanOrEqual(1e-5));
};

describe("SIMD path equals the flat scan", () => {
  test("the WebAssembly SIMD kernel is available under Bun", () => {
    expect(simdKernel()).not.toBeNull();
  });

  test("the committed kernel module is what scripts/make-simd-kernel.ts assembles", () => {
    const run = Bun.spawnSync([process.execPath, "scripts/make-simd-kernel.ts", "--check"], { cwd: `${import.meta.dir}/../..` });
    expect(run.stderr.toString()).toBe("");
    expect(run.exitCode).toBe(0);
  });

  const cases: [number, number, "random" | "clustered" | "skewed"][] = [
    [1, 3, "random"],
    [7, 5, "random"],
    [100, 16, "random"],
    [500, 17, "clustered"],
    [2000, 384, "random"],
    [2000, 384, "clustered"],
    [3000, 384, "skewed"],
    [1500, 100, "clustered"],
    [300, 1536, "random"],
  ];
  for (const [count, dims, kind] of cases) {
    test(`${count} rows × ${dims}-d, ${kind}: same top-k for every threshold and limit`, () => {
      const rand = rng(count * 31 + dims);
      const rows = makeRows(rand, count, dims, kind);
      const index = new Int8Index(simdKernel()!, dims, 1);
      index.reserve(count);
      for (let r = 0; r < count; r++) index.set(r, rows.subarray(r * dims, (r + 1) * dims));
      for (let t = 0; t < 12; t++) {
        const q = t % 3 === 0 ? normalise(Float32Array.from({ length: dims }, () => gauss(rand))) : queryNear(rand, rows, count, dims, t % 3 === 1 ? 0.01 : 0.2);
        for (const [minScore, limit] of [[-1, 1], [-1, 4], [0, 32], [0.5, 4], [0.85, 4], [0.99, 1], [0.2, 200]] as const) {
          expectSame(index.search(rows, count, q, minScore, limit), topMatches(rows, count, dims, q, minScore, limit));
        }
      }
    });
  }

  test("exact ties keep the flat scan's order (lower row first)", () => {
    const dims = 32;
    const rand = rng(7);
    const base = makeRows(rand, 5, dims, "random");
    const count = 60;
    const rows = new Float32Array(count * dims);
    for (let r = 0; r < count; r++) rows.set(base.subarray((r % 5) * dims, (r % 5 + 1) * dims), r * dims);
    const index = new Int8Index(simdKernel()!, dims, count);
    for (let r = 0; r < count; r++) index.set(r, rows.subarray(r * dims, (r + 1) * dims));
    for (let i = 0; i < 5; i++) {
      const q = base.subarray(i * dims, (i + 1) * dims);
      for (const limit of [1, 3, 12, 13, 60]) expectSame(index.search(rows, count, q, -1, limit), topMatches(rows, count, dims, q, -1, limit));
    }
  });

  test("a store on the SIMD path answers like a flat-scan store through adds, replacements and evictions", async () => {
    const dims = 48;
    const rand = rng(99);
    const fast = new MemoryVectorStore({ capacity: 700, ttlSecs: 0, indexMinRows: 0 });
    const flat = new MemoryVectorStore({ capacity: 700, ttlSecs: 0, indexMinRows: Infinity });
    const pool = makeRows(rand, 1500, dims, "clustered");
    const vec = (i: number) => pool.subarray(i * dims, (i + 1) * dims);
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      const scope = `s${i % 2}`;
      const k = Math.floor(rand() * 1500);
      // re-adding a question replaces its row; new questions evict the least recently used beyond 700
      const question = rand() < 0.2 ? `q${k % 200}` : `q${i}`;
      await fast.add(scope, vec(k), entry(question));
      await flat.add(scope, vec(k), entry(question));
      if (i % 25 === 0) {
        expect(fast.usesIndex(scope)).toBe(true);
        const q = queryNear(rand, pool, 1500, dims, 0.05);
        for (const [minScore, limit] of [[0.9, 4], [-1, 8]] as const) {
          const a = await fast.search(scope, q, { minScore, limit });
          const b = await flat.search(scope, q, { minScore, limit });
          expect(a.map((m) => m.entry.question)).toEqual(b.map((m) => m.entry.question));
          a.forEach((m, j) => expect(Math.abs(m.score - b[j]!.score)).toBeLessThanOrEqual(1e-5));
          checked += a.length;
        }
      }
    }
    expect(await fast.size()).toBe(700);
    expect(fast.scopeSize("s0") + fast.scopeSize("s1")).toBe(700);
    expect(flat.scopeSize("s0") + flat.scopeSize("s1")).toBe(700); // no row outlives its entry
    expect(checked).toBeGreaterThan(100);
  });

  test("a scope that crosses the threshold switches to the SIMD path and keeps matching its rows", async () => {
    const s = new MemoryVectorStore({ capacity: 5000, ttlSecs: 0, indexMinRows: 64 });
    const dims = 24;
    const rows = makeRows(rng(5), 300, dims, "random");
    const vec = (i: number) => rows.subarray(i * dims, (i + 1) * dims);
    for (let i = 0; i < 300; i++) {
      await s.add("s", vec(i), entry(`q${i}`));
      if (i % 10 === 0) {
        expect(s.usesIndex("s")).toBe(i + 1 >= 64);
        for (const j of [0, i, Math.floor(i / 2)]) {
          const [m] = await s.search("s", vec(j), { minScore: 0.9999, limit: 1 });
          expect(m?.entry.question).toBe(`q${j}`);
        }
      }
    }
    const { rows: held, count } = s.scopeRows("s")!;
    const q = vec(123);
    const naive = topMatches(held, count, dims, q, -1, 10);
    const found = await s.search("s", q, { minScore: -1, limit: 10 });
    found.forEach((m, i) => expect(Math.abs(m.score - naive[i]!.score)).toBeLessThanOrEqual(1e-5));
  });
});
