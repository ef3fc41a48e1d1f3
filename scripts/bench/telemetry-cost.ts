#!/usr/bin/env bun
// What observability costs per request, measured in one process so machine load hits every variant
// alike: three in-process gateways in front of one mock upstream — (off) metrics and request log off,
// monitoring off; (default) metrics registry + request log; (on) default + tracing with OTLP/HTTP to a
// local sink — take sequential L1a hits and L3 calls in interleaved rounds. Reports the median
// per-request time of each variant and the ratios to (off).
// Usage: bun scripts/bench/telemetry-cost.ts [--requests 2000] [--rounds 5]
import { parseArgs } from "node:util";
import { BENCH_COMPLETION, benchConfig } from "./bench-gateway.ts";
import { startGateway, type RunningGateway } from "../../src/server/server.ts";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { requests: { type: "string" }, rounds: { type: "string" } } });
const REQUESTS = Number(values.requests ?? 2000);
const ROUNDS = Number(values.rounds ?? 5);

const upstream = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(BENCH_COMPLETION, { headers: { "content-type": "application/json" } }) });
const sink = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("{}", { headers: { "content-type": "application/json" } }) });

function gateway(env: Record<string, string>): Promise<RunningGateway> {
  return startGateway(benchConfig(upstream.port!, { ISARTOR__LOG_LEVEL: "warn", ...env }));
}

const variants = {
  off: await gateway({ ISARTOR__METRICS__ENABLED: "false", ISARTOR__REQUEST_LOG__ENABLED: "false" }),
  default: await gateway({}),
  on: await gateway({ ISARTOR__ENABLE_MONITORING: "true", ISARTOR__OTEL_EXPORTER_ENDPOINT: `http://127.0.0.1:${sink.port}` }),
};
type Variant = keyof typeof variants;

let unique = 0;
async function run(gw: RunningGateway, hit: boolean): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    const content = hit ? "What is the answer to everything?" : `unique question ${unique++}`;
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }),
    });
    await res.arrayBuffer();
  }
  return ((performance.now() - started) * 1000) / REQUESTS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const names = Object.keys(variants) as Variant[];
const results: Record<string, number[]> = {};
try {
  for (const v of names) await run(variants[v], true); // warm-up, and the L1a entry
  for (let r = 0; r < ROUNDS; r++) {
    for (const hit of [true, false]) {
      for (let i = 0; i < names.length; i++) {
        const v = names[(i + r) % names.length]!;
        (results[`${v}/${hit ? "l1a" : "l3"}`] ??= []).push(await run(variants[v], hit));
      }
    }
  }
  console.log(`bun ${Bun.version}; ${REQUESTS} sequential requests per variant and round, ${ROUNDS} rounds, rotating order (medians)\n`);
  console.log("path  variant   µs/request  vs off");
  for (const path of ["l1a", "l3"]) {
    const off = median(results[`off/${path}`]!);
    for (const v of names) {
      const us = median(results[`${v}/${path}`]!);
      console.log(`${path.padEnd(5)} ${v.padEnd(9)} ${us.toFixed(1).padStart(10)}  ${(us / off).toFixed(2)}×`);
    }
  }
} finally {
  for (const gw of Object.values(variants)) await gw.stop();
  upstream.stop(true);
  sink.stop(true);
}
