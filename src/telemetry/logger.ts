// A small structured logger: one JSON object per line, every field passed through the redactor.
import { writeSync } from "node:fs";
import type { Redactor } from "./redact.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogSink = (line: string) => void;

/**
 * Lines are batched and written once per event-loop turn: a synchronous write per request costs more
 * than the whole L1a hit path. Whatever is pending is flushed synchronously on exit.
 */
function bufferedSink(fd: number): LogSink {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = `${pending.join("\n")}\n`;
    pending = [];
    try {
      writeSync(fd, text);
    } catch {
      // a closed stderr must never fail a request
    }
  };
  process.on("exit", flush);
  return (line) => {
    pending.push(line);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}

export const stderrSink: LogSink = bufferedSink(2);

/**
 * The level of the one-line-per-request stderr record: info with monitoring on (seed 003 reads the
 * final layer from these lines), debug otherwise, because the request log file already holds every
 * request and formatting a line per request costs more than an L1a hit.
 */
export const requestLineLevel = (monitoring: boolean): LogLevel => (monitoring ? "info" : "debug");

export class Logger {
  constructor(
    private readonly level: LogLevel,
    private readonly redactor: Redactor,
    private readonly sink: LogSink = stderrSink,
  ) {}

  enabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.level];
  }

  log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}) {
    if (!this.enabled(level)) return;
    const record = this.redactor.value({ ts: new Date().toISOString(), level, msg, ...fields });
    try {
      this.sink(JSON.stringify(record));
    } catch {
      // A broken sink must never fail a request.
    }
  }

  debug(msg: string, fields?: Record<string, unknown>) {
    this.log("debug", msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>) {
    this.log("info", msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>) {
    this.log("warn", msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>) {
    this.log("error", msg, fields);
  }
}
