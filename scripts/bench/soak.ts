#!/usr/bin/env bun
// Soak: a gateway (child process, `isartor up`) under steady mixed load for a long time, its RSS sampled
// every 10 s, to show memory plateaus whatever upstreams send. Load: unique prompts (so every answer is
// a new cache entry), many tenants (gateway_keys), streams and non-streams, answers of 1–32 KB, plus a
// share of hostile upstream replies (larger than max_upstream_response_bytes, wrong-shape 200s, 429 with
// an absurd Retry-After). The mock upstream runs in this process, on loopback.
// Not a test: prints a table and a verdict. Usage:
//   bun scripts/bench/soak.ts [--minutes 5] [--concurrency 32] [--tenants 200] [--stream-share 0.5]
//                             [--cache-max-bytes 134217728] [--sample-secs 10]
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    minutes: { type: "string" },
    concurrency: { type: "string" },
    tenants: { type: "string" },
    "stream-share": { type: "string" },
    "cache-max-bytes": { type: "string" },
    "sample-secs": { type: "string" },
  },
});
const MINUTES = Number(values.minutes ?? 5);
const CONCURRENCY = Number(values.concurrency ?? 32);
const TENANTS = Number(values.tenants ?? 200);
const STREAM_SHARE = Number(values["stream-share"] ?? 0.5);
const CACHE_MAX_BYTES = values["cache-max-bytes"] ?? String(128 * 1024 * 1024);
const SAMPLE_SECS = Number(values["sample-secs"] ?? 10);
const MAX_UPSTREAM_BYTES = 1024 * 1024;
const ROOT = resolve(import.meta.dir, "../..");

// ---- mock upstream (OpenAI wire format) ----
let served = 0;
const enc = new TextEncoder();
const chunk = (id: string, delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 1, model: "soak", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const upstream = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const body = (await req.json()) as { stream?: boolean };
    const id = `chatcmpl-soak-${++served}`;
    const roll = served % 100;
    // hostile share: 1 % too large, 1 % wrong shape, 1 % 429 with a Retry-After of 31 years
    if (roll === 7) return new Response(JSON.stringify({ choices: [{ message: { content: "x".repeat(2 * MAX_UPSTREAM_BYTES) } }] }), { headers: { "content-type": "application/json" } });
    if (roll === 8) return Response.json({ status: "ok" });
    if (roll === 9) return Response.json({ error: { message: "slow down", type: "rate_limit_error" } }, { status: 429, headers: { "retry-after": "999999999" } });
    const text = `${id} `.padEnd(1024 + ((served * 7919) % (31 * 1024)), "lorem ipsum ");
    if (!body.stream) {
      return Response.json({ id, object: "chat.completion", created: 1, model: "soak", choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }], usage: { prompt_tokens: 10, completion_tokens: 100, total_tokens: 110 } });
    }
    const parts = text.match(/.{1,512}/gs) ?? [];
    return new Response(
      new ReadableStream({
        start(c) {
          c.enqueue(enc.encode(chunk(id, { role: "assistant", content: "" })));
          for (const p of parts) c.enqueue(enc.encode(chunk(id, { content: p })));
          c.enqueue(enc.encode(chunk(id, {}, "stop")));
          c.enqueue(enc.encode("data: [DONE]\n\n"));
          c.close();
        },
      }),
      { headers: { "content-type": "text/event-stream" } },
    );
  },
});

// ---- gateway under test (child process) ----
const keys = Array.from({ length: TENANTS }, (_, i) => ({ id: `tenant-${i}`, key: `soak-tenant-key-${i}-${"k".repeat(16)}` }));
const home = mkdtempSync(join(tmpdir(), "isartor-soak-"));
const gateway = Bun.spawn([process.execPath, resolve(ROOT, "src/main.ts"), "up", "--host", "127.0.0.1", "--port", "0"], {
  cwd: home,
  env: {
    PATH: process.env.PATH ?? "",
    HOME: home,
    ISARTOR__GATEWAY_KEYS: JSON.stringify(keys),
    ISARTOR__EXTERNAL_LLM_BASE_URL: `http://127.0.0.1:${upstream.port}/v1`,
    ISARTOR__EXTERNAL_LLM_API_KEY: "sk-soak-upstream-key-0123456789",
    ISARTOR__CACHE_MODE: "exact",
    ISARTOR__CACHE_MAX_BYTES: CACHE_MAX_BYTES,
    ISARTOR__MAX_UPSTREAM_RESPONSE_BYTES: String(MAX_UPSTREAM_BYTES),
    ISARTOR__MAX_RETRY_AFTER_SECS: "2",
    ISARTOR__RETRY__MAX_RETRIES: "1",
    ISARTOR__RETRY__BASE_DELAY_MS: "5",
    ISARTOR__CIRCUIT_BREAKER__FAILURE_THRESHOLD: "0",
    ISARTOR__PROVIDER_HEALTH_CHECK_INTERVAL_SECS: "0",
    ISARTOR__CONTEXT_OPTIMIZER__ENABLED: "false",
    ISARTOR__LOG_LEVEL: "error",
    ISARTOR__USAGE__PATH: join(home, "usage.jsonl"),
    ISARTOR__OFFLINE: "true",
  },
  stdout: "pipe",
  stderr: "ignore",
});
const reader = gateway.stdout.getReader();
let banner = "";
while (!/listening on (http:\/\/\S+)/.test(banner)) {
  const { value, done } = await reader.read();
  if (done) throw new Error(`gateway exited: ${banner}`);
  banner += new TextDecoder().decode(value);
}
void (async () => {
  while (!(await reader.read()).done);
})();
const url = /listening on (http:\/\/\S+)/.exec(banner)![1]!;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

// ---- load ----
const counts = { ok: 0, upstreamErrors: 0, other: 0, streams: 0, bytes: 0 };
let seq = 0;
let running = true;
async function worker() {
  while (running) {
    const n = ++seq;
    const key = keys[n % keys.length]!.key;
    const stream = (n * 2654435761) % 1000 < STREAM_SHARE * 1000;
    try {
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: "soak", stream, messages: [{ role: "user", content: `unique prompt ${n} ${Math.random()}` }] }),
      });
      const text = await res.text();
      counts.bytes += text.length;
      if (stream) counts.streams++;
      if (res.status === 200 && !text.includes('"error"')) counts.ok++;
      else if (res.status >= 500 || res.status === 429 || text.includes('"error"')) counts.upstreamErrors++;
      else counts.other++;
    } catch {
      counts.other++;
    }
  }
}

const samples: { t: number; rss: number; done: number }[] = [];
const started = performance.now();
const workers = Array.from({ length: CONCURRENCY }, worker);
console.log(`soak: ${MINUTES} min, ${CONCURRENCY} concurrent, ${TENANTS} tenants, ${Math.round(STREAM_SHARE * 100)} % streams, cache_max_bytes ${CACHE_MAX_BYTES}, gateway pid ${gateway.pid}`);
console.log("  t (s)   RSS (MB)   requests   req/s");
const record = () => {
  const t = (performance.now() - started) / 1000;
  const done = counts.ok + counts.upstreamErrors + counts.other;
  const prev = samples.at(-1);
  samples.push({ t, rss: rssMb(gateway.pid), done });
  const rate = prev ? (done - prev.done) / (t - prev.t) : done / t;
  console.log(`${t.toFixed(0).padStart(7)}   ${samples.at(-1)!.rss.toFixed(1).padStart(8)}   ${String(done).padStart(8)}   ${rate.toFixed(0).padStart(5)}`);
};
record();
const timer = setInterval(record, SAMPLE_SECS * 1000);
await Bun.sleep(MINUTES * 60_000);
clearInterval(timer);
record();
running = false;
await Promise.all(workers);

// ---- verdict: RSS of the last third against the middle third (the first third is warm-up and cache fill) ----
const third = Math.max(1, Math.floor(samples.length / 3));
const mean = (xs: { rss: number }[]) => xs.reduce((s, x) => s + x.rss, 0) / xs.length;
const middle = mean(samples.slice(third, 2 * third));
const last = mean(samples.slice(2 * third));
const peak = Math.max(...samples.map((s) => s.rss));
const growth = (last - middle) / middle;
const total = counts.ok + counts.upstreamErrors + counts.other;
console.log(
  `\nrequests ${total} (${counts.ok} ok, ${counts.upstreamErrors} upstream errors by design, ${counts.other} other), ${counts.streams} streams, ${(counts.bytes / 1e6).toFixed(0)} MB of answers read`,
);
console.log(`RSS: start ${samples[0]!.rss.toFixed(1)} MB, middle third mean ${middle.toFixed(1)} MB, last third mean ${last.toFixed(1)} MB, peak ${peak.toFixed(1)} MB`);
console.log(growth < 0.1 ? `PLATEAU: the last third is ${(growth * 100).toFixed(1)} % above the middle third (< 10 %)` : `GROWING: the last third is ${(growth * 100).toFixed(1)} % above the middle third`);
gateway.kill("SIGTERM");
await gateway.exited;
upstream.stop(true);
process.exit(0);
