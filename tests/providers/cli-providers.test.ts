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
const ADMIN = "cli-providers-admin-key-0123";

beforeAll(async () => {
  a = await startFaultUpstream("a");
  b = await startFaultUpstream("b");
  a.otherwise = { kind: "status", status: 503, message: "maintenance window" };
  gateway = await startTestGateway(chainEnv([a, b], { ISARTOR__RETRY__MAX_RETRIES: "0", ISARTOR__ADMIN_API_KEY: ADMIN }));
  await new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused", maxRetries: 0 }).chat.completions.create(ask("warm up"));
});
afterAll(async () => {
  await gateway.stop();
  await a.stop();
  await b.stop();
});

test("isartor providers prints the live table from the running gateway (the last error with the configured admin key)", async () => {
  const r = await runCli(["providers", "--url", gateway.url], isolatedEnv({ ISARTOR__ADMIN_API_KEY: ADMIN }));
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`live from ${gateway.url}`);
  const lines = r.stdout.split("\n");
  expect(lines.find((l) => l.startsWith("PROVIDER"))).toMatch(/PROVIDER\s+VENDOR\s+STATUS\s+LATENCY\s+KEYS\s+LAST ERROR/);
  expect(lines.find((l) => l.startsWith("a "))).toMatch(/^a\s+custom\s+degraded\s+-\s+1\/1\s+upstream a returned 503: maintenance window/);
  expect(lines.find((l) => l.startsWith("b "))).toMatch(/^b\s+custom\s+healthy\s+\d+ ms\s+1\/1\s+-$/);
  expect(r.stdout).not.toContain(secretOf("a"));
  // without the admin key /health does not give out the upstream's words
  const anonymous = await runCli(["providers", "--url", gateway.url]);
  expect(anonymous.stdout.split("\n").find((l) => l.startsWith("a "))).toMatch(/^a\s+custom\s+degraded\s+-\s+1\/1\s+-$/);

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

test("isartor check shows the providers table with every key masked", async () => {
  const env = isolatedEnv({
    ISARTOR__PROVIDERS: JSON.stringify([{ name: "groq", api_keys: ["gsk-one-0000000000secret"] }, { name: "openai", api_key: "sk-openai-0000000000secret" }]),
  });
  const r = await runCli(["check"], env);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^providers\s+\[\{"name":"groq"/m);
  expect(r.stdout).not.toContain("0000000000secret");
});

test("a bad provider entry stops startup naming the field and the allowed values", async () => {
  const r = await runCli(["check"], isolatedEnv({ ISARTOR__PROVIDERS: JSON.stringify([{ name: "x", vendor: "nope" }]) }));
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("providers[0].vendor to be one of openai | azure");
  const missing = await runCli(["check"], isolatedEnv({ ISARTOR__PROVIDERS: JSON.stringify([{ name: "mine" }]) }));
  expect(missing.stderr).toContain("providers[0].base_url to be set (vendor 'custom' has no default endpoint)");
});
