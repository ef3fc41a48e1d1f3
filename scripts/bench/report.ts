#!/usr/bin/env bun
// `npm run bench`: runs the benchmarks of scripts/bench/ one after another (each in its own process,
// so none disturbs another) and writes a Markdown report with the machine, the date and every
// benchmark's own output, to docs/benchmarks/latest.md (and a dated copy).
//   bun scripts/bench/report.ts [--quick] [--only startup,overhead,…] [--out DIR]
import { cpus, freemem, release, totalmem } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { quick: { type: "boolean" }, only: { type: "string" }, out: { type: "string" } } });
const quick = Boolean(values.quick);
const ROOT = resolve(import.meta.dir, "../..");

interface Bench {
  id: string;
  title: string;
  args: string[];
  /** seconds before it is stopped */
  limit: number;
  needs?: () => string | undefined;
}

const BENCHES: Bench[] = [
  { id: "startup", title: "Compiled binary: start → first 200, RSS idle", args: ["scripts/bench/startup.ts", "--runs", quick ? "3" : "10", "--idle-secs", quick ? "2" : "10"], limit: 300 },
  { id: "overhead", title: "Gateway overhead vs a bare Bun proxy and Portkey's gateway (same mock, same run)", args: ["scripts/bench/overhead.ts", ...(quick ? ["--seconds", "3", "--rounds", "1"] : [])], limit: 900 },
  { id: "hot-path", title: "Gateway CPU per request in-process (L1a hit, L3 pass-through) and per step of an L1a hit", args: ["scripts/bench/hot-path.ts", "--seconds", quick ? "2" : "5"], limit: 300 },
  { id: "hot-path-stages", title: "Steps of an L1a hit, each timed alone", args: ["scripts/bench/hot-path-stages.ts"], limit: 300 },
  { id: "semantic-latency", title: "L1b latency (embed, SIMD search vs flat scan, end to end)", args: ["scripts/bench/semantic-latency.ts"], limit: 900 },
  { id: "slm", title: "L2 latency (embedded pool vs node-llama-cpp direct)", args: ["scripts/bench/slm.ts"], limit: 600 },
  { id: "router", title: "L0.5 router cost", args: ["scripts/bench/router.ts", ...(quick ? ["--prompts", "30"] : [])], limit: 600 },
  { id: "deflection", title: "Semantic cache precision/recall and deflection with a real encoder", args: ["scripts/bench/deflection.ts"], limit: 1800 },
  {
    id: "redis",
    title: "L1a/L1b over Redis vs memory, two replicas",
    args: ["scripts/bench/redis.ts"],
    limit: 600,
    needs: () => (Bun.which("redis-server") ? undefined : "redis-server is not installed"),
  },
  {
    id: "soak",
    title: `Soak: RSS under ${quick ? "a minute" : "10 minutes"} of 200 concurrent clients (streams and non-streams)`,
    args: ["scripts/bench/soak.ts", "--minutes", quick ? "1" : "10", "--concurrency", "200", "--stream-share", "0.5"],
    limit: quick ? 300 : 1200,
  },
];

function machine(): string {
  const cpu = cpus();
  const lscpu = Bun.spawnSync(["sh", "-c", "nproc; cat /proc/loadavg 2>/dev/null"], { stdout: "pipe" }).stdout.toString().trim().split("\n");
  return [
    `- CPU: ${cpu.length} × ${cpu[0]?.model ?? "unknown"} (nproc ${lscpu[0] ?? "?"}, load ${lscpu[1]?.split(" ").slice(0, 3).join(" ") ?? "?"} at start)`,
    `- memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} GiB free at start)`,
    `- OS: ${process.platform} ${release()}; Bun ${Bun.version}`,
  ].join("\n");
}

async function run(b: Bench): Promise<{ status: string; output: string; secs: number }> {
  const skip = b.needs?.();
  if (skip) return { status: `skipped: ${skip}`, output: "", secs: 0 };
  const t0 = performance.now();
  const proc = Bun.spawn([process.execPath, ...b.args], { cwd: ROOT, stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
  const timer = setTimeout(() => proc.kill("SIGKILL"), b.limit * 1000);
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  const secs = (performance.now() - t0) / 1000;
  const status = code === 0 ? "ok" : proc.signalCode === "SIGKILL" ? `stopped after ${b.limit} s` : `failed (exit ${code})`;
  return { status, output: (out + (code === 0 ? "" : `\n--- stderr ---\n${err.split("\n").slice(-30).join("\n")}`)).trim(), secs };
}

const only = values.only?.split(",").map((s) => s.trim());
const selected = BENCHES.filter((b) => !only || only.includes(b.id));
const started = new Date();
const sections: string[] = [];
for (const b of selected) {
  process.stderr.write(`bench ${b.id} … `);
  const r = await run(b);
  process.stderr.write(`${r.status} (${r.secs.toFixed(0)} s)\n`);
  sections.push(`## ${b.title}\n\n\`bun ${b.args.join(" ")}\` — ${r.status}, ${r.secs.toFixed(0)} s\n\n${r.output ? "```\n" + r.output + "\n```" : ""}`);
}
const report = `# Isartor benchmark report\n\n${started.toISOString()}${quick ? " (--quick: shortened runs)" : ""}\n\n${machine()}\n\nEvery figure below was measured in this run on this machine; ratios compare scenarios of the same run.\n\n${sections.join("\n\n")}\n`;
const outDir = resolve(values.out ?? join(ROOT, "docs/benchmarks"));
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "latest.md"), report);
writeFileSync(join(outDir, `report-${started.toISOString().slice(0, 10)}.md`), report);
console.log(`wrote ${join(outDir, "latest.md")}`);
