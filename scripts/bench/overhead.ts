#!/usr/bin/env bun
// Gateway overhead, all measured in one run on this machine (servers in child processes, load from this one):
//   (a) direct to the mock upstream        (b) bare Bun.serve reverse proxy → mock
//   (c) isartor L3 pass-through → mock      (d) isartor L1a hits      (e) bare Bun.serve constant
// Prints p50/p95/p99 and throughput, and the ratios (c)/(b) p99 (target ≤ 1.3) and (d)/(e) throughput (target ≥ 0.6).
// Usage: bun scripts/bench/overhead.ts [--concurrency 32] [--seconds 5]
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { cpus } from "node:os";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { concurrency: { type: "string" }, seconds: { type: "string" } } });
const CONCURRENCY = Number(values.concurrency ?? 32);
const SECONDS = Number(values.seconds ?? 5);
const ROOT = resolve(import.meta.dir, "../..");
const children: ReturnType<typeof Bun.spawn>[] = [];

async function spawnServer(args: string[], env: Record<string, string> = {}, ready = /READY (\d+)|listening on http:\/\/[^:]+:(\d+)/): Promise<string> {
  const proc = Bun.spawn([process.execPath, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdout: "pipe", stderr: "ignore" }); // request logs (info level, the default) are formatted but not printed
  children.push(proc);
  const reader = proc.stdout.getReader();
  let out = "";
  while (!ready.test(out)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited: ${out}`);
    out += new TextDecoder().decode(value);
  }
  const m = ready.exec(out)!;
  (async () => {
    while (!(await reader.read()).done);
  })();
  return `http://127.0.0.1:${m[1] ?? m[2]}`;
}

interface Result {
  name: string;
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  errors: number;
}

async function load(name: string, url: string, body: string, headers: Record<string, string> = {}): Promise<Result> {
  const init = { method: "POST", headers: { "content-type": "application/json", ...headers }, body };
  const warmUntil = performance.now() + 1000;
  const until = warmUntil + SECONDS * 1000;
  const latencies: number[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (true) {
        const t0 = performance.now();
        if (t0 > until) return;
        try {
          const res = await fetch(url, init);
          await res.arrayBuffer();
          if (!res.ok) errors++;
        } catch {
          errors++;
        }
        if (t0 >= warmUntil) latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { name, p50: q(0.5), p95: q(0.95), p99: q(0.99), rps: latencies.length / SECONDS, errors };
}

try {
  const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "What is the answer to everything?" }] });
  const mock = await spawnServer(["scripts/bench/overhead-servers.ts", "mock"]);
  const proxy = await spawnServer(["scripts/bench/overhead-servers.ts", "proxy", mock]);
  const constant = await spawnServer(["scripts/bench/overhead-servers.ts", "const"]);
  const isartor = await spawnServer(["src/main.ts", "up", "--host", "127.0.0.1", "--port", "0"], {
    HOME: "/tmp",
    ISARTOR__EXTERNAL_LLM_BASE_URL: `${mock}/v1`,
    ISARTOR__EXTERNAL_LLM_API_KEY: "bench",
    ISARTOR__CACHE_MODE: "exact",
  });
  const path = "/v1/chat/completions";
  const results = [
    await load("(a) direct → mock", `${mock}${path}`, body),
    await load("(b) bare Bun proxy → mock", `${proxy}${path}`, body),
    await load("(c) isartor L3 pass-through", `${isartor}${path}`, body, { "x-isartor-cache": "bypass" }),
    await load("(d) isartor L1a hits", `${isartor}${path}`, body),
    await load("(e) bare Bun constant", `${constant}${path}`, body),
  ];
  console.log(`\nmachine: ${cpus().length}× ${cpus()[0]?.model ?? "cpu"}, bun ${Bun.version}, concurrency ${CONCURRENCY}, ${SECONDS}s per scenario\n`);
  console.log("scenario                         p50 ms   p95 ms   p99 ms      req/s  errors");
  for (const r of results) {
    console.log(`${r.name.padEnd(30)} ${r.p50.toFixed(2).padStart(8)} ${r.p95.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)} ${r.rps.toFixed(0).padStart(10)} ${String(r.errors).padStart(7)}`);
  }
  const [, b, c, d, e] = results as [Result, Result, Result, Result, Result];
  console.log(`\n(c)/(b) p99 latency: ${(c.p99 / b.p99).toFixed(2)}× (target ≤ 1.30)`);
  console.log(`(c)/(b) p50 latency: ${(c.p50 / b.p50).toFixed(2)}×`);
  console.log(`(d)/(e) throughput:  ${(d.rps / e.rps).toFixed(2)}× (target ≥ 0.60)`);
} finally {
  for (const child of children) child.kill();
}
