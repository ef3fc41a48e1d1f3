// `isartor logs`: the gateway's own log (what `isartor up --detach` writes to ~/.isartor/isartor.log),
// or with --requests the request log (request_log.path, one JSON line per request). Filters by
// layer and time, prints the last lines, and with --follow keeps printing what is appended.
import { parseArgs } from "node:util";
import { homePath } from "../auth/isartor-home.ts";
import { expandHome } from "../telemetry/rotating-jsonl.ts";
import { CONFIG_FLAGS, configFromFlags } from "./common-flags.ts";
import { followFile, parseJsonLine, parseSince, readLines, sizeOf } from "./log-files.ts";
import { CliError, EXIT } from "./output.ts";

export const LOGS_HELP = `isartor logs [--requests] [--follow] [--layer L] [--since 10m|ISO] [--lines N] [--json] [--file FILE]
  Without --requests: the gateway's log (~/.isartor/isartor.log, where \`isartor up --detach\` writes;
  a foreground or systemd gateway logs to stderr / journald instead: journalctl -u isartor).
  With --requests: the request log (request_log.path, default ~/.isartor/requests.jsonl), one line
  per request: time, status, layer, provider, model, duration, path, id.
  --follow, -f    keep printing lines as they are appended (Ctrl-C to stop)
  --layer L       only requests answered (or refused) by this layer: l0 l1a l1b l2 l3 (or L1a_ExactCache, …)
  --since T       only lines from T on: 30s, 10m, 2h, 7d ago, or an ISO time
  --lines, -n N   how many of the last matching lines to print first (default 50; 0 = all)
  --json          print the JSON lines as stored instead of a readable line
  --file FILE     read this log file instead of the default`;

const OPTIONS = {
  ...CONFIG_FLAGS,
  requests: { type: "boolean" },
  follow: { type: "boolean", short: "f" },
  layer: { type: "string" },
  since: { type: "string" },
  lines: { type: "string", short: "n" },
  json: { type: "boolean" },
  file: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const FINAL_LAYER_ALIASES: Record<string, string> = {
  l0_guard: "l0",
  l1a_exactcache: "l1a",
  l1b_semanticcache: "l1b",
  l2_slm: "l2",
  l3_cloud: "l3",
};

function normaliseLayer(value: string): string {
  const v = value.trim().toLowerCase();
  return FINAL_LAYER_ALIASES[v] ?? v;
}

type Entry = { line: string; record?: Record<string, unknown> };

function matcher(layer: string | undefined, since: Date | undefined): (e: Entry) => boolean {
  return ({ record }) => {
    if (layer !== undefined && (typeof record?.layer !== "string" || normaliseLayer(record.layer) !== layer)) return false;
    if (since !== undefined) {
      const ts = typeof record?.ts === "string" ? new Date(record.ts) : undefined;
      if (!ts || Number.isNaN(ts.getTime()) || ts < since) return false;
    }
    return true;
  };
}

const str = (v: unknown) => (v === undefined || v === null || v === "" ? "-" : String(v));

function requestLine(r: Record<string, unknown>): string {
  const ms = typeof r.duration_ms === "number" ? `${r.duration_ms}ms` : "-";
  const err = r.error ? `  ${String(r.error)}` : "";
  return [str(r.ts), str(r.status), str(r.layer).padEnd(4), str(r.provider), str(r.model), ms.padStart(8), `${str(r.method)} ${str(r.path)}`, str(r.id)].join("  ") + err;
}

function gatewayLine(r: Record<string, unknown>): string {
  const { ts, level, msg, ...rest } = r;
  const fields = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${str(ts)} ${str(level).toUpperCase().padEnd(5)} ${str(msg)}${fields ? ` ${fields}` : ""}`;
}

export async function logs(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  if (values.help) {
    console.log(LOGS_HELP);
    return 0;
  }
  const lines = values.lines === undefined ? 50 : Number(values.lines);
  if (!Number.isInteger(lines) || lines < 0) throw new CliError(`--lines takes a whole number, got '${values.lines}'`, EXIT.usage);
  const since = values.since !== undefined ? parseSince(values.since) : undefined;
  const layer = values.layer !== undefined ? normaliseLayer(values.layer) : undefined;

  let path: string;
  let maxFiles = 0;
  if (values.file) path = expandHome(values.file);
  else if (values.requests) {
    const { config } = configFromFlags(values);
    path = expandHome(config.request_log.path);
    maxFiles = config.request_log.max_files;
  } else path = homePath("isartor.log");

  const keep = matcher(layer, since);
  const format = (e: Entry) => (values.json || !e.record ? e.line : values.requests ? requestLine(e.record) : gatewayLine(e.record));
  // plain-text lines (the listening banner) carry no layer or time: only shown without filters
  const toEntry = (line: string): Entry => ({ line, record: parseJsonLine(line) });
  const startSize = sizeOf(path);
  const matching = readLines(path, maxFiles).map(toEntry).filter(keep);
  if (matching.length === 0 && !values.follow && startSize === 0) {
    console.error(`isartor: nothing logged yet at ${path}${values.requests ? " (request_log.enabled must be on)" : " (start the gateway with `isartor up --detach`, or read its stderr / journald)"}`);
    return 0;
  }
  for (const e of lines === 0 ? matching : matching.slice(-lines)) console.log(format(e));
  if (!values.follow) return 0;

  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  process.once("SIGTERM", () => stop.abort());
  await followFile(
    path,
    startSize,
    (line) => {
      const e = toEntry(line);
      if (keep(e)) console.log(format(e));
    },
    stop.signal,
  );
  return 0;
}
