// The load generator for the overhead benchmark: wrk (Debian's package) with a Lua script for POST
// bodies, unique prompts per request when asked, pinned to its own core; autocannon (npm) otherwise.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export interface LoadResult {
  p50: number;
  p90: number;
  /** autocannon reports no p95: its p97.5 stands in (an upper bound) */
  p95: number;
  p99: number;
  rps: number;
  errors: number;
}

export interface LoadSpec {
  url: string;
  /** JSON body; with unique, the text UNIQUE inside it is replaced per request */
  body: string;
  unique: boolean;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  /** cpu list for taskset, e.g. "1" */
  cpus?: string;
  /** open loop at this many requests/s (scripts/bench/paced-load.ts) instead of closed-loop connections */
  rate?: number;
}

const ROOT = resolve(import.meta.dir, "../..");

export function loadGenerator(): "wrk" | "autocannon" {
  return Bun.which("wrk") ? "wrk" : "autocannon";
}

function pinned(cmd: string[], cpus?: string): string[] {
  return cpus && Bun.which("taskset") ? ["taskset", "-c", cpus, ...cmd] : cmd;
}

const luaString = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

function wrkScript(spec: LoadSpec): string {
  const [before, after] = spec.unique ? spec.body.split("UNIQUE") : [spec.body, undefined];
  const headers = Object.entries({ "content-type": "application/json", ...spec.headers })
    .map(([k, v]) => `wrk.headers[${luaString(k)}] = ${luaString(v)}`)
    .join("\n");
  return `wrk.method = "POST"
${headers}
local n = 0
local seed = tostring(math.random(1, 1000000000))
request = function()
  ${after === undefined ? `return wrk.format(nil, nil, nil, ${luaString(before!)})` : `n = n + 1\n  return wrk.format(nil, nil, nil, ${luaString(before!)} .. seed .. "-" .. n .. ${luaString(after)})`}
end
local errors = 0
response = function(status)
  if status >= 400 then errors = errors + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("ISARTOR_ERRORS %d\\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  for _, p in pairs({50, 90, 95, 99}) do io.write(string.format("ISARTOR_P%d %f\\n", p, latency:percentile(p) / 1000)) end
  io.write(string.format("ISARTOR_RPS %f\\n", summary.requests / (summary.duration / 1000000)))
end
`;
}

async function runWrk(spec: LoadSpec): Promise<LoadResult> {
  const script = join(mkdtempSync(join(tmpdir(), "isartor-wrk-")), "post.lua");
  writeFileSync(script, wrkScript(spec));
  const cmd = pinned(["wrk", "-t1", `-c${spec.connections}`, `-d${spec.seconds}s`, "-s", script, spec.url], spec.cpus);
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const out = await new Response(p.stdout).text();
  await p.exited;
  const num = (k: string) => Number(new RegExp(`ISARTOR_${k} ([\\d.]+)`).exec(out)?.[1] ?? NaN);
  return { p50: num("P50"), p90: num("P90"), p95: num("P95"), p99: num("P99"), rps: num("RPS"), errors: num("ERRORS") };
}

async function runAutocannon(spec: LoadSpec): Promise<LoadResult> {
  const body = spec.unique ? spec.body.replace("UNIQUE", "[<id>]") : spec.body;
  const headerArgs = Object.entries({ "content-type": "application/json", ...spec.headers }).flatMap(([k, v]) => ["-H", `${k}=${v}`]);
  const cmd = pinned(["node", join(ROOT, "node_modules/autocannon/autocannon.js"), "-j", "-c", String(spec.connections), "-d", String(spec.seconds), "-m", "POST", ...headerArgs, "-b", body, ...(spec.unique ? ["-I"] : []), spec.url], spec.cpus);
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "ignore" });
  const r = JSON.parse(await new Response(p.stdout).text()) as { latency: Record<string, number>; requests: { average: number }; errors: number; non2xx: number };
  await p.exited;
  return { p50: r.latency.p50!, p90: r.latency.p90!, p95: r.latency.p97_5!, p99: r.latency.p99!, rps: r.requests.average, errors: r.errors + r.non2xx };
}

async function runPaced(spec: LoadSpec & { rate: number }): Promise<LoadResult> {
  const headerArgs = Object.entries(spec.headers).map(([k, v]) => `${k}:${v}`);
  const cmd = pinned([process.execPath, join(ROOT, "scripts/bench/paced-load.ts"), spec.url, String(spec.rate), String(spec.seconds), spec.body, ...headerArgs], spec.cpus);
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "ignore" });
  const out = await new Response(p.stdout).text();
  await p.exited;
  return JSON.parse(out) as LoadResult;
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.rate) return runPaced({ ...spec, rate: spec.rate });
  return loadGenerator() === "wrk" ? runWrk(spec) : runAutocannon(spec);
}
