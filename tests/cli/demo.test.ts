// `isartor demo` works offline on a fresh home and reports deflection that matches what it did.
import { expect, test } from "bun:test";
import { isolatedEnv } from "../helpers/cli.ts";
import { runCliInput } from "../helpers/cli-input.ts";
import workload from "../../src/demo/sample-workload.json" with { type: "json" };

test("isartor demo --json: every request answered, exact repeats deflected by L1a, numbers add up", async () => {
  const n = 450;
  const r = await runCliInput(["demo", "--requests", String(n), "--json"], isolatedEnv());
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  const prompts = workload.prompts.slice(0, n);
  const repeats = prompts.length - new Set(prompts).size;
  expect(out.requests).toBe(n);
  const by = Object.fromEntries(out.layers.map((l: { layer: string; requests: number }) => [l.layer, l.requests]));
  expect(by.l1a).toBe(repeats);
  expect(by.l3).toBe(out.provider_calls);
  expect(out.deflected).toBe(n - out.provider_calls);
  expect(Object.keys(by).every((k) => ["l1a", "l1b", "l3"].includes(k))).toBe(true);
});
