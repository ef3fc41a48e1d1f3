// `isartor stats`: what the gateway did, from its files: requests, deflection by layer and latency
// percentiles from the request log; tokens and cost saved (and with --usage, spend per provider and
// model) from the usage log. Works with the gateway stopped.
import { parseArgs } from "node:util";
import type { UsageRecord } from "../providers/usage-log.ts";
import type { RequestLogRecord } from "../telemetry/request-log.ts";
import { requestStats, usageStats } from "../telemetry/request-stats.ts";
import { expandHome, readJsonl } from "../telemetry/rotating-jsonl.ts";
import { CONFIG_FLAGS, configFromFlags } from "./common-flags.ts";
import { parseSince } from "./log-files.ts";
import { printJson, printTable } from "./output.ts";

export const STATS_HELP = `isartor stats [--since 24h|ISO] [--usage] [--json] [--config FILE]
  Requests, deflection by layer, latency percentiles (request log, request_log.path) and tokens and
  cost saved (usage log, usage.path).
  --since T   only what happened from T on: 30s, 10m, 2h, 7d ago, or an ISO time (default: everything kept)
  --usage     also L3 spend and savings per provider and model
  --json      one JSON object instead of tables`;

const OPTIONS = {
  ...CONFIG_FLAGS,
  since: { type: "string" },
  usage: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const usd = (x: number) => `$${x === 0 || x >= 0.01 ? x.toFixed(2) : x.toFixed(6)}`;
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

export async function stats(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  if (values.help) {
    console.log(STATS_HELP);
    return 0;
  }
  const { config } = configFromFlags(values);
  const since = values.since !== undefined ? parseSince(values.since) : undefined;
  const inWindow = (ts: unknown) => typeof ts === "string" && (!since || new Date(ts) >= since);
  const requestLogPath = expandHome(config.request_log.path);
  const usagePath = expandHome(config.usage.path);
  const requests = requestStats(readJsonl<RequestLogRecord>(requestLogPath, config.request_log.max_files).filter((r) => inWindow(r.ts) && typeof r.layer === "string"));
  const usage = usageStats(readJsonl<UsageRecord>(usagePath, config.usage.max_files).filter((r) => inWindow(r.ts) && typeof r.provider === "string"));

  if (values.json) {
    printJson({
      since: since?.toISOString() ?? null,
      files: { request_log: requestLogPath, usage_log: usagePath },
      ...requests,
      cost_saved_usd: usage.totals.cost_saved_usd,
      l3: { calls: usage.totals.calls, errors: usage.totals.errors, tokens_in: usage.totals.tokens_in, tokens_out: usage.totals.tokens_out, cost_usd: usage.totals.cost_usd },
      ...(values.usage ? { usage: usage.by_model } : {}),
    });
    return 0;
  }

  console.log(`Requests${since ? ` since ${since.toISOString()}` : ""}: ${requests.requests} (answered ${requests.answered}, refused by L0 ${requests.refused}, 5xx ${requests.errors})  · ${requestLogPath}`);
  if (requests.requests === 0) console.log("  (no requests logged; is request_log.enabled on and has the gateway run?)");
  else {
    console.log(`Deflection: ${pct(requests.deflection_rate)} of answered requests never reached L3`);
    console.log(`Latency (answered): p50 ${ms(requests.latency_ms.p50)} ms · p95 ${ms(requests.latency_ms.p95)} ms · p99 ${ms(requests.latency_ms.p99)} ms`);
    console.log("");
    printTable([
      ["layer", "requests", "share", "p50 ms", "p95 ms", "p99 ms"],
      ...requests.by_layer.map((l) => [l.layer, String(l.requests), pct(l.share), ms(l.latency_ms.p50), ms(l.latency_ms.p95), ms(l.latency_ms.p99)]),
    ]);
  }
  console.log("");
  console.log(`Saved by deflection: ${requests.tokens_saved} tokens · ${usd(usage.totals.cost_saved_usd)} (usage log, provider prices)`);
  console.log(`L3 spend: ${usage.totals.calls} calls (${usage.totals.errors} failed) · ${usage.totals.tokens_in} tokens in · ${usage.totals.tokens_out} out · ${usd(usage.totals.cost_usd)}  · ${usagePath}`);
  if (values.usage) {
    console.log("");
    if (usage.by_model.length === 0) console.log("(no usage recorded)");
    else {
      printTable([
        ["provider", "model", "calls", "errors", "tokens in", "tokens out", "cost", "deflected", "est. tokens saved", "cost saved"],
        ...usage.by_model.map((g) => [g.provider, g.model, String(g.calls), String(g.errors), String(g.tokens_in), String(g.tokens_out), usd(g.cost_usd), String(g.deflected), String(g.tokens_saved), usd(g.cost_saved_usd)]),
      ]);
    }
  }
  return 0;
}
