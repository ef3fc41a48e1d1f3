#!/usr/bin/env bun
// Startup and idle memory of the compiled binary, copied alone (with its companion files) into an
// empty directory and run with an empty HOME: spawn → first 200 from /healthz, and RSS after idling.
//   bun scripts/bench/startup.ts [--runs 10] [--idle-secs 5] [--binary path/to/isartor]
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { runs: { type: "string" }, "idle-secs": { type: "string" }, binary: { type: "string" }, json: { type: "boolean" } } });
const runs = Number(values.runs ?? 10);
const idleSecs = Number(values["idle-secs"] ?? 5);
const ROOT = join(import.meta.dir, "../..");

let binary = values.binary;
if (!binary) {
  binary = join(mkdtempSync(join(tmpdir(), "isartor-startup-build-")), "isartor");
  const b = Bun.spawnSync([process.execPath, join(ROOT, "scripts/build.ts"), "--outfile", binary], { stdout: "ignore", stderr: "pipe" });
  if (b.exitCode !== 0) throw new Error(b.stderr.toString());
}
// the binary alone with its documented companions, nothing else
const alone = mkdtempSync(join(tmpdir(), "isartor-alone-"));
cpSync(dirname(binary), alone, { recursive: true });
const exe = join(alone, "isartor");

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function once(profileArgs: string[], measureRss: boolean) {
  const home = mkdtempSync(join(tmpdir(), "isartor-empty-home-"));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const t0 = performance.now();
  const proc = Bun.spawn([exe, "up", "--host", "127.0.0.1", "--port", String(port), ...profileArgs], { cwd: home, env: { HOME: home, PATH: "/usr/bin:/bin" }, stdout: "ignore", stderr: "ignore" });
  let ms = NaN;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) {
        ms = performance.now() - t0;
        break;
      }
    } catch {}
    if (performance.now() - t0 > 20_000) break;
    await Bun.sleep(2);
  }
  let rss = NaN;
  if (measureRss) {
    await Bun.sleep(idleSecs * 1000);
    rss = rssMb(proc.pid);
  }
  proc.kill("SIGTERM");
  await proc.exited;
  return { ms, rss };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: Record<string, unknown>[] = [];
for (const [label, args] of [
  ["defaults (cache both, no models on disk)", []],
  ["exact cache only", ["--set", "cache_mode=exact"]],
  ["--profile edge", ["--profile", "edge"]],
] as [string, string[]][]) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await once(args, false)).ms);
  const { rss } = await once(args, true);
  rows.push({ scenario: label, start_to_first_200_ms_p50: Math.round(median(times)), start_ms_max: Math.round(Math.max(...times)), rss_idle_mb: Math.round(rss) });
}
if (values.json) console.log(JSON.stringify(rows, null, 2));
else {
  console.log(`compiled binary ${exe} (${runs} starts each, RSS after ${idleSecs} s idle)\n`);
  for (const r of rows) console.log(`${String(r.scenario).padEnd(42)} start→200 p50 ${r.start_to_first_200_ms_p50} ms (max ${r.start_ms_max})   RSS idle ${r.rss_idle_mb} MB`);
}
