#!/usr/bin/env bun
// Gateway overhead, every scenario against the same mock upstream in one run on this machine:
//   (a) direct → mock            (b) bare Bun.serve reverse proxy → mock      (p) Portkey's open-source gateway → mock
//   (c) isartor L3 pass-through  (m) isartor L3 with monitoring on (OTLP to a local sink)
//   (d) isartor L1a hits         (e) bare Bun.serve returning a constant
//   (f) isartor L1a hits, monitoring on   (o)/(g) isartor L3 / L1a hits with every observability
//   feature off (metrics.enabled, request_log.enabled false): what the defaults and tracing cost
// Servers run pinned to one core, the load generator (wrk, else autocannon) to another; unique prompts
// where a cache must not answer; several rounds in rotating order; ratios are medians over rounds.
// Usage: bun scripts/bench/overhead.ts [--connections 16] [--seconds 5] [--rounds 3] [--json]
import { cpus } from "node:os";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadGenerator, runLoad, type LoadResult } from "./load-generator.ts";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { connections: { type: "string" }, seconds: { type: "string" }, rounds: { type: "string" }, json: { type: "boolean" }, only: { type: "string" } } });
const CONNECTIONS = Number(values.connections ?? 16);
/** "moderate load" for the L1a p95 target: requests on a schedule, far below what the gateway can take */
const MODERATE_RATE = 500;
const SECONDS = Number(values.seconds ?? 5);
const ROUNDS = Number(values.rounds ?? 3);
const ROOT = resolve(import.meta.dir, "../..");
const N = cpus().length;
// servers share the first cores, the load generator gets the last one to itself
const SERVER_CPUS = N >= 2 ? (N === 2 ? "0" : `0-${N - 2}`) : undefined;
const LOAD_CPUS = N >= 2 ? String(N - 1) : undefined;
const children: ReturnType<typeof Bun.spawn>[] = [];

async function spawnServer(cmd: string[], env: Record<string, string> = {}, ready = /READY (\d+)|listening on http:\/\/[^:]+:(\d+)|running at:\s*\S*?:(\d+)/): Promise<string> {
  const full = SERVER_CPUS && Bun.which("taskset") ? ["taskset", "-c", SERVER_CPUS, ...cmd] : cmd;
  const proc = Bun.spawn(full, { cwd: ROOT, env: { ...process.env, ...env }, stdout: "pipe", stderr: "ignore" });
  children.push(proc);
  const reader = proc.stdout.getReader();
  let out = "";
  const deadline = Date.now() + 60_000;
  while (!ready.test(out.replace(/\x1b\[[0-9;]*m/g, ""))) {
    if (Date.now() > deadline) throw new Error(`server did not start: ${cmd.join(" ")}: ${out}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited: ${cmd.join(" ")}: ${out}`);
    out += new TextDecoder().decode(value);
  }
  const m = ready.exec(out.replace(/\x1b\[[0-9;]*m/g, ""))!;
  (async () => {
    while (!(await reader.read()).done);
  })();
  return `http://127.0.0.1:${m[1] ?? m[2] ?? m[3]}`;
}

const bun = (script: string, ...args: string[]) => [process.execPath, script, ...args];

interface Scenario {
  id: string;
  name: string;
  url: string;
  unique: boolean;
  headers?: Record<string, string>;
  /** open loop at this many requests/s instead of --connections closed-loop clients */
  rate?: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  const mock = await spawnServer(bun("scripts/bench/overhead-servers.ts", "mock"));
  const proxy = await spawnServer(bun("scripts/bench/overhead-servers.ts", "proxy", mock));
  const constant = await spawnServer(bun("scripts/bench/overhead-servers.ts", "const"));
  const sink = await spawnServer(bun("scripts/bench/overhead-servers.ts", "sink"));
  const gatewayEnv = (extra: Record<string, string> = {}) => ({
    HOME: mkdtempSync(join(tmpdir(), "isartor-bench-home-")),
    ISARTOR__EXTERNAL_LLM_BASE_URL: `${mock}/v1`,
    ISARTOR__EXTERNAL_LLM_API_KEY: "bench",
    ISARTOR__CACHE_MODE: "exact",
    ISARTOR__PROVIDER_HEALTH_CHECK_INTERVAL_SECS: "0",
    ...extra,
  });
  const isartor = await spawnServer(bun("src/main.ts", "up", "--host", "127.0.0.1", "--port", "0"), gatewayEnv());
  const monitored = await spawnServer(
    bun("src/main.ts", "up", "--host", "127.0.0.1", "--port", "0"),
    gatewayEnv({ ISARTOR__ENABLE_MONITORING: "true", ISARTOR__OTEL_EXPORTER_ENDPOINT: sink }),
  );
  const unobserved = await spawnServer(
    bun("src/main.ts", "up", "--host", "127.0.0.1", "--port", "0"),
    gatewayEnv({ ISARTOR__METRICS__ENABLED: "false", ISARTOR__REQUEST_LOG__ENABLED: "false" }),
  );
  const portkeyEntry = join(ROOT, "node_modules/@portkey-ai/gateway/build/start-server.js");
  const portkeyPort = 20000 + Math.floor(Math.random() * 20000);
  const portkey = existsSync(portkeyEntry) && Bun.which("node")
    ? await spawnServer(["node", portkeyEntry, `--port=${portkeyPort}`, "--headless"], { NODE_ENV: "production" }).catch((err) => (console.error(`Portkey gateway not measured: ${err.message}`), undefined))
    : undefined;

  const path = "/v1/chat/completions";
  const scenarios: Scenario[] = [
    { id: "a", name: "(a) direct → mock", url: `${mock}${path}`, unique: true },
    { id: "b", name: "(b) bare Bun proxy → mock", url: `${proxy}${path}`, unique: true },
    ...(portkey ? [{ id: "p", name: "(p) Portkey gateway → mock", url: `${portkey}${path}`, unique: true, headers: { "x-portkey-provider": "openai", "x-portkey-custom-host": `${mock}/v1`, authorization: "Bearer bench" } }] : []),
    { id: "c", name: "(c) isartor L3 pass-through", url: `${isartor}${path}`, unique: true },
    { id: "m", name: "(m) isartor L3, monitoring on", url: `${monitored}${path}`, unique: true },
    { id: "d", name: "(d) isartor L1a hits", url: `${isartor}${path}`, unique: false },
    { id: "e", name: "(e) bare Bun constant", url: `${constant}${path}`, unique: false },
    { id: "l", name: `(l) isartor L1a, ${MODERATE_RATE} req/s paced`, url: `${isartor}${path}`, unique: false, rate: MODERATE_RATE },
    { id: "k", name: `(k) bare constant, ${MODERATE_RATE} req/s paced`, url: `${constant}${path}`, unique: false, rate: MODERATE_RATE },
    { id: "f", name: "(f) isartor L1a, monitoring on", url: `${monitored}${path}`, unique: false },
    { id: "o", name: "(o) isartor L3, all obs. off", url: `${unobserved}${path}`, unique: true },
    { id: "g", name: "(g) isartor L1a, all obs. off", url: `${unobserved}${path}`, unique: false },
  ].filter((s) => !values.only || values.only.split(",").includes(s.id));
  const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "What is the answer to everything? UNIQUE" }] });
  const fixed = body.replace("UNIQUE", "fixed");

  // warm every path once (JIT, connection pools, the L1a entry for (d))
  for (const s of scenarios) await runLoad({ url: s.url, body: s.unique ? body : fixed, unique: s.unique, headers: s.headers ?? {}, connections: 4, seconds: 1, cpus: LOAD_CPUS });
  const rounds: Record<string, LoadResult>[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = scenarios.map((_, i) => scenarios[(i + r) % scenarios.length]!);
    const results: Record<string, LoadResult> = {};
    for (const s of order) results[s.id] = await runLoad({ url: s.url, body: s.unique ? body : fixed, unique: s.unique, headers: s.headers ?? {}, connections: CONNECTIONS, seconds: SECONDS, cpus: LOAD_CPUS, ...(s.rate ? { rate: s.rate } : {}) });
    rounds.push(results);
  }

  const ratio = (num: string, den: string, f: (x: LoadResult) => number) =>
    rounds.every((r) => r[num] && r[den]) ? median(rounds.map((r) => f(r[num]!) / f(r[den]!))) : NaN;
  const ratios = {
    "c/b p99": ratio("c", "b", (x) => x.p99),
    "c/b p50": ratio("c", "b", (x) => x.p50),
    "d/e throughput": ratio("d", "e", (x) => x.rps),
    "p/b p99": ratio("p", "b", (x) => x.p99),
    "c/p p99": ratio("c", "p", (x) => x.p99),
    "m/c p50": ratio("m", "c", (x) => x.p50),
    "m/c throughput": ratio("m", "c", (x) => x.rps),
    "f/d throughput": ratio("f", "d", (x) => x.rps),
    "d/g throughput": ratio("d", "g", (x) => x.rps),
    "c/o p50": ratio("c", "o", (x) => x.p50),
  };
  const perScenario = scenarios.map((s) => ({
    id: s.id,
    name: s.name,
    p50_ms: median(rounds.map((r) => r[s.id]!.p50)),
    p90_ms: median(rounds.map((r) => r[s.id]!.p90)),
    p95_ms: median(rounds.map((r) => r[s.id]!.p95)),
    p99_ms: median(rounds.map((r) => r[s.id]!.p99)),
    rps: median(rounds.map((r) => r[s.id]!.rps)),
    errors: rounds.reduce((n, r) => n + r[s.id]!.errors, 0),
  }));
  if (values.json) {
    console.log(JSON.stringify({ machine: `${N}× ${cpus()[0]?.model}`, generator: loadGenerator(), connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, scenarios: perScenario, ratios }, null, 2));
  } else {
    console.log(`machine: ${N}× ${cpus()[0]?.model ?? "cpu"}, bun ${Bun.version}; load: ${loadGenerator()} on cpu ${LOAD_CPUS ?? "any"}, servers on cpu ${SERVER_CPUS ?? "any"}`);
    console.log(`${CONNECTIONS} keep-alive connections, ${SECONDS} s per scenario, ${ROUNDS} rounds (medians shown)\n`);
    console.log("scenario                          p50 ms   p90 ms   p95 ms   p99 ms      req/s  errors");
    for (const r of perScenario) console.log(`${r.name.padEnd(32)} ${r.p50_ms.toFixed(3).padStart(8)} ${r.p90_ms.toFixed(3).padStart(8)} ${r.p95_ms.toFixed(3).padStart(8)} ${r.p99_ms.toFixed(3).padStart(8)} ${r.rps.toFixed(0).padStart(10)} ${String(r.errors).padStart(7)}`);
    const show = (k: keyof typeof ratios, target = "") => console.log(`${k.padEnd(16)} ${Number.isNaN(ratios[k]) ? "n/a" : ratios[k].toFixed(2) + "×"} ${target}`);
    console.log("");
    show("c/b p99", "(target ≤ 1.30)");
    show("c/b p50", "(target ≤ 1.15)");
    show("d/e throughput", "(target ≥ 0.60)");
    const moderate = perScenario.find((r) => r.id === "l");
    const floor = perScenario.find((r) => r.id === "k");
    if (moderate) console.log(`${"L1a p95".padEnd(16)} ${moderate.p95_ms.toFixed(3)} ms at ${MODERATE_RATE} req/s, open loop (target < 1 ms)${floor ? `; the bare constant paced the same: ${floor.p95_ms.toFixed(3)} ms` : ""}`);
    show("p/b p99", "(Portkey vs bare proxy)");
    show("c/p p99", "(isartor vs Portkey; < 1 = isartor faster)");
    show("m/c p50", "(cost of monitoring on)");
    show("m/c throughput");
    show("f/d throughput", "(L1a hits: cost of tracing + OTLP push)");
    show("d/g throughput", "(L1a hits: default metrics + request log vs all off)");
    show("c/o p50", "(L3: default metrics + request log vs all off)");
  }
} finally {
  for (const child of children) child.kill();
}
