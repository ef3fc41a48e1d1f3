// `isartor logs` and `isartor stats` as subprocesses on a temp HOME, reading what a real gateway
// (in this process, writing into that HOME) logged for a scripted workload.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Logger } from "../../src/telemetry/logger.ts";
import { Redactor } from "../../src/telemetry/redact.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { isolatedEnv, runCli, SOURCE_CLI } from "../helpers/cli.ts";
import type { MockUpstream } from "../helpers/mock-openai-upstream.ts";
import { postChat, startMockedGateway } from "../helpers/mocked-gateway.ts";

// each test runs the CLI as subprocesses: generous on a loaded machine
setDefaultTimeout(60_000);

const GATEWAY_KEY = "gw-cli-stats-key-123456";
let env: Record<string, string>;
let home: string;
let upstream: MockUpstream;
let gateway: RunningGateway;

const chat = (content: string, key = GATEWAY_KEY) => postChat(gateway, content, { authorization: `Bearer ${key}` }).then((r) => r.text());

async function flushed() {
  await gateway.services.telemetry.requestLog!.flush();
  await gateway.services.providers.usage.flush();
}

beforeAll(async () => {
  env = isolatedEnv();
  home = env.HOME!;
  ({ upstream, gateway } = await startMockedGateway({
    answer: "Scripted answer.",
    gatewayKey: GATEWAY_KEY,
    providerKey: "sk-cli-stats-upstream-0000000000",
    // the CLI's defaults under the temp HOME
    env: { ISARTOR__REQUEST_LOG__PATH: join(home, ".isartor", "requests.jsonl"), ISARTOR__USAGE__PATH: join(home, ".isartor", "usage.jsonl") },
  }));
  // workload: q1 ×4 (1 L3 + 3 L1a), q2 ×2 (1 L3 + 1 L1a), one refused (wrong key)
  for (let i = 0; i < 4; i++) await chat("question one");
  for (let i = 0; i < 2; i++) await chat("question two");
  await chat("refused", "wrong-key-0000000");
  await flushed();
});
afterAll(async () => {
  await gateway.stop();
  upstream.stop();
});

describe("isartor stats", () => {
  test("--json: requests, deflection by layer, latency percentiles, tokens and cost saved", async () => {
    const { stdout, code, stderr } = await runCli(["stats", "--json"], env);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const s = JSON.parse(stdout);
    expect(s.requests).toBe(7);
    expect(s.answered).toBe(6);
    expect(s.refused).toBe(1);
    expect(s.deflection_rate).toBeCloseTo(4 / 6, 10);
    expect(Object.fromEntries(s.by_layer.map((l: { layer: string; requests: number }) => [l.layer, l.requests]))).toEqual({ l0: 1, l1a: 4, l3: 2 });
    // 4 hits × (11 + 7) tokens the upstream call had cost
    expect(s.tokens_saved).toBe(72);
    expect(s.cost_saved_usd).toBeGreaterThan(0);
    expect(s.l3.calls).toBe(2);
    expect(s.l3.tokens_in).toBe(22);
    const l3 = s.by_layer.find((l: { layer: string }) => l.layer === "l3");
    expect(l3.latency_ms.p50).toBeGreaterThan(0);
    expect(l3.latency_ms.p95).toBeGreaterThanOrEqual(l3.latency_ms.p50);
    expect(s.latency_ms.p99).toBeGreaterThanOrEqual(s.latency_ms.p95);
  });

  test("human output and --usage per provider and model", async () => {
    const { stdout, code } = await runCli(["stats", "--usage"], env);
    expect(code).toBe(0);
    expect(stdout).toContain("Requests: 7 (answered 6, refused by L0 1, 5xx 0)");
    expect(stdout).toContain("Deflection: 66.7 % of answered requests never reached L3");
    expect(stdout).toMatch(/^l1a\s+4\s+57\.1 %/m);
    expect(stdout).toContain("Saved by deflection: 72 tokens");
    // calls, errors, tokens in, tokens out, cost, deflected answers
    expect(stdout).toMatch(/^openai\s+gpt-4o-mini\s+2\s+0\s+22\s+14\s+\$[\d.]+\s+4\s+\d+/m);
  });

  test("--since in the future counts nothing; a bad --since is a usage error", async () => {
    const future = JSON.parse((await runCli(["stats", "--json", "--since", "2999-01-01T00:00:00Z"], env)).stdout);
    expect(future.requests).toBe(0);
    const bad = await runCli(["stats", "--since", "yesterday-ish"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--since takes a duration");
  });
});

describe("isartor logs", () => {
  test("--requests --layer l1a --json: only the exact-cache hits, as stored", async () => {
    const { stdout, code } = await runCli(["logs", "--requests", "--layer", "l1a", "--json"], env);
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.length).toBe(4);
    expect(lines.every((r) => r.layer === "l1a" && r.final_layer === "L1a_ExactCache")).toBe(true);
  });

  test("--requests readable lines, --layer by final_layer name, --lines, --since", async () => {
    const all = await runCli(["logs", "--requests", "--since", "1h"], env);
    expect(all.stdout.trim().split("\n").length).toBe(7);
    expect(all.stdout).toMatch(/ 200 {2}l3 +openai {2}gpt-4o-mini +[\d.]+ms {2}POST \/v1\/chat\/completions {2}req_/);
    const l3 = await runCli(["logs", "--requests", "--layer", "L3_Cloud", "--lines", "1"], env);
    expect(l3.stdout.trim().split("\n").length).toBe(1);
    const none = await runCli(["logs", "--requests", "--since", "2999-01-01T00:00:00Z"], env);
    expect(none.stdout).toBe("");
  });

  test("--requests --follow prints requests as they are logged", async () => {
    const proc = Bun.spawn([...SOURCE_CLI, "logs", "--requests", "--follow", "--lines", "0", "--layer", "l3"], { cwd: home, env, stdout: "pipe", stderr: "pipe" });
    try {
      const reader = proc.stdout.getReader();
      let out = "";
      const l3Lines = () => out.split("\n").filter((l) => / l3 /.test(l)).length;
      const readUntil = async (lines: number) => {
        while (l3Lines() < lines) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`logs exited: ${out}`);
          out += new TextDecoder().decode(value);
        }
      };
      // the two existing L3 lines first, then a new one appended while following
      await readUntil(2);
      await chat("question three, followed");
      await flushed();
      await readUntil(3);
      expect(out.trim().split("\n").every((l) => / l3 /.test(l))).toBe(true);
    } finally {
      proc.kill();
      await proc.exited;
    }
  });

  test("the gateway log: readable lines from the logger's JSON, the banner kept, --layer filters", async () => {
    const dir = join(home, ".isartor");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "isartor.log");
    appendFileSync(file, "isartor 0.1.0 listening on http://127.0.0.1:8080\n");
    const logger = new Logger("info", new Redactor({ secrets: [GATEWAY_KEY] }), (line) => appendFileSync(file, `${line}\n`));
    logger.info("request", { id: "req_a", status: 200, layer: "l1a", duration_ms: 1 });
    logger.warn("layer failed open", { id: "req_b", layer: "l1b", error: `bad ${GATEWAY_KEY}` });
    const all = await runCli(["logs"], env);
    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split("\n");
    expect(lines[0]).toBe("isartor 0.1.0 listening on http://127.0.0.1:8080");
    expect(lines[1]).toMatch(/^\S+Z INFO {2}request id=req_a status=200 layer=l1a duration_ms=1$/);
    expect(lines[2]).toContain("WARN  layer failed open");
    expect(all.stdout).not.toContain(GATEWAY_KEY);
    const onlyL1b = await runCli(["logs", "--layer", "l1b", "--json"], env);
    expect(onlyL1b.stdout.trim().split("\n").map((l) => JSON.parse(l).id)).toEqual(["req_b"]);
  });
});
