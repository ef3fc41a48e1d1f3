import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import type { RunningGateway } from "../../src/server/server.ts";
import { isolatedEnv, runCli } from "../helpers/cli.ts";
import { startFaultUpstream, type FaultUpstream } from "../helpers/fault-upstream.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { ask, chainEnv, secretOf } from "./provider-env.ts";

let a: FaultUpstream;
let b: FaultUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  a = await startFaultUpstream("a");
  b = await startFaultUpstream("b");
  a.otherwise = { kind: "status", status: 503, message: "maintenance window" };
  gateway = await startTestGateway(chainEnv([a, b], { ISARTOR__RETRY__MAX_RETRIES: "0" }));
  await new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused", maxRetries: 0 }).chat.completions.create(ask("warm up"));
});
afterAll(async () => {
  await gateway.stop();
  await a.stop();
  await b.stop();
});

test("isartor providers prints the live table from the running gateway", async () => {
  const r = await runCli(["providers", "--url", gateway.url]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`live from ${gateway.url}`);
  const lines = r.stdout.split("\n");
  expect(lines.find((l) => l.startsWith("PROVIDER"))).toMatch(/PROVIDER\s+VENDOR\s+STATUS\s+LATENCY\s+KEYS\s+LAST ERROR/);
  expect(lines.find((l) => l.startsWith("a "))).toMatch(/^a\s+custom\s+degraded\s+-\s+1\/1\s+upstream a returned 503: maintenance window/);
  expect(lines.find((l) => l.startsWith("b "))).toMatch(/^b\s+custom\s+healthy\s+\d+ ms\s+1\/1\s+-$/);
  expect(r.stdout).not.toContain(secretOf("a"));

  const json = await runCli(["providers", "--url", gateway.url, "--json"]);
  const rows = JSON.parse(json.stdout);
  expect(rows.map((p: { name: string; status: string }) => [p.name, p.status])).toEqual([
    ["a", "degraded"],
    ["b", "healthy"],
  ]);
});

test("without a running gateway it lists the configured providers as unknown", async () => {
  const env = isolatedEnv();
  writeFileSync(
    join(env.HOME!, "isartor.toml"),
    `host_port = "127.0.0.1:9"\n\n[[providers]]\nname = "groq"\napi_keys = ["gsk-one-0000000000", "gsk-two-0000000000"]\n\n[[providers]]\nname = "ollama"\n`,
  );
  const r = await runCli(["providers"], env);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("from the configuration (no gateway at http://127.0.0.1:9");
  expect(r.stdout).toMatch(/groq\s+groq\s+unknown\s+-\s+2\/2/);
  expect(r.stdout).toMatch(/ollama\s+ollama\s+unknown\s+-\s+1\/1/);
  expect(r.stdout).not.toContain("gsk-one");
});
