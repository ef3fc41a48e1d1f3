// `isartor cache calibrate` as a user runs it: a labelled pairs file, a real encoder (USE-lite behind the
// test sidecar), the recall / precision table and a suggested threshold.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { isolatedEnv, runCli } from "../helpers/cli.ts";
import { startUseSidecar, type UseSidecar } from "../helpers/use-sidecar.ts";

const PAIRS = [
  { origin: "How do I center a div in CSS?", similar: "How can I center a div with CSS?" },
  { origin: "How many calories should I eat per day to lose weight?", similar: "How many calories a day should I eat to lose weight?" },
  { origin: "How can I change the email address on my account?", similar: "How do I update my account's email address?" },
  { origin: "Can dogs eat grapes?", similar: "Is it safe for dogs to eat grapes?" },
];
const NEGATIVES = [
  { origin: "How do I import a CSV file?", similar: "How do I export a CSV file?" },
  { origin: "What happened in 1989?", similar: "What happened in 1991?" },
];

let sidecar: UseSidecar;
let env: Record<string, string>;
beforeAll(async () => {
  sidecar = await startUseSidecar();
  env = isolatedEnv();
  writeFileSync(join(env.HOME!, "pairs.json"), JSON.stringify(PAIRS));
  writeFileSync(join(env.HOME!, "negatives.json"), JSON.stringify(NEGATIVES));
}, 120_000);
afterAll(() => sidecar?.stop());

describe("isartor cache calibrate", () => {
  test("prints recall and precision per threshold, with and without the guard, and a suggestion", async () => {
    const r = await runCli(["cache", "calibrate", "--pairs", "pairs.json", "--negatives", "negatives.json", "--embedder-url", sidecar.url], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("4 same-question pairs, 2 different-question pairs");
    expect(r.stdout).toMatch(/^\s+0\.75 .*\|/m);
    expect(r.stdout).toMatch(/^\s+0\.95 .*\|/m);
    expect(r.stdout).toMatch(/suggested similarity_threshold = 0\.\d\d|no threshold reaches/);
  }, 60_000);

  test("--json: the guard removes the near misses the encoder alone would hit", async () => {
    const r = await runCli(["cache", "calibrate", "--pairs", "pairs.json", "--negatives", "negatives.json", "--embedder-url", sidecar.url, "--thresholds", "0.8", "--json"], env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { positives: number; negatives: number; rows: { threshold: number; falseHits: number; falseHitsGuarded: number; recallGuarded: number }[] };
    expect(out.positives).toBe(4);
    expect(out.rows).toHaveLength(1);
    // both near misses score above 0.8 with USE-lite; the guard refuses both and keeps the paraphrases
    expect(out.rows[0]!.falseHits).toBe(2);
    expect(out.rows[0]!.falseHitsGuarded).toBe(0);
    expect(out.rows[0]!.recallGuarded).toBeGreaterThanOrEqual(0.75);
  }, 60_000);

  test("without --negatives, each origin's nearest other origin is its negative", async () => {
    const r = await runCli(["cache", "calibrate", "--pairs", "pairs.json", "--embedder-url", sidecar.url, "--json"], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).negatives).toBe(PAIRS.length);
  }, 60_000);

  test("a malformed pairs file or missing --pairs is a clear error", async () => {
    writeFileSync(join(env.HOME!, "bad.json"), JSON.stringify([{ question: "x" }]));
    const bad = await runCli(["cache", "calibrate", "--pairs", "bad.json", "--embedder-url", sidecar.url], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('expected a JSON array of {"origin": string, "similar": string}');
    const missing = await runCli(["cache", "calibrate"], env);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain("isartor cache calibrate --pairs FILE");
  }, 60_000);
});
