#!/usr/bin/env bun
// Open-loop load at a fixed rate (what "moderate load" means for a latency target: requests arrive on
// a schedule, not as fast as the server answers), measured with sub-millisecond resolution — wrk only
// runs closed-loop and autocannon reports whole milliseconds. Prints one JSON LoadResult.
// Usage: bun scripts/bench/paced-load.ts <url> <requests/s> <seconds> <body JSON> [header:value ...]
import { pct } from "./timing.ts";

const [url, rateArg, secondsArg, body, ...headerArgs] = Bun.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const headers: Record<string, string> = { "content-type": "application/json" };
for (const h of headerArgs) {
  const i = h.indexOf(":");
  headers[h.slice(0, i)] = h.slice(i + 1);
}
const latencies: number[] = [];
let errors = 0;
const inFlight = new Set<Promise<void>>();
const started = performance.now();
const total = Math.round(rate * seconds);
for (let i = 0; i < total; i++) {
  const due = started + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await Bun.sleep(wait);
  // sends keep to the schedule whatever the server does (open loop): a slow answer does not delay the next request
  const sentAt = performance.now();
  const p: Promise<void> = fetch(url!, { method: "POST", headers, body: body!.replace("UNIQUE", `${i}-${Math.random()}`) })
    .then(async (res) => {
      await res.arrayBuffer();
      if (res.status >= 400) errors++;
      latencies.push(performance.now() - sentAt);
    })
    .catch(() => {
      errors++;
    })
    .finally(() => inFlight.delete(p));
  inFlight.add(p);
}
await Promise.all(inFlight);
const elapsed = (performance.now() - started) / 1000;
const at = (p: number) => (latencies.length ? pct(latencies, p) : NaN);
console.log(JSON.stringify({ p50: at(0.5), p90: at(0.9), p95: at(0.95), p99: at(0.99), rps: latencies.length / elapsed, errors }));
