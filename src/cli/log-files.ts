// What `isartor logs` and `isartor stats` share: --since parsing, reading a (rotated) log, and
// following a file as it grows (across rotation).
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { rotatedFiles } from "../telemetry/rotating-jsonl.ts";
import { CliError, EXIT } from "./output.ts";

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "10m", "2h", "7d", "30s" (ago), or an ISO date/time. */
export function parseSince(value: string, now = Date.now()): Date {
  const rel = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value.trim());
  if (rel) return new Date(now - Number(rel[1]) * UNIT_MS[rel[2]!]!);
  const abs = new Date(value);
  if (Number.isNaN(abs.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new CliError(`--since takes a duration (30s, 10m, 2h, 7d) or an ISO time (2026-03-01T12:00:00Z), got '${value}'`, EXIT.usage);
  }
  return abs;
}

/** The lines of a log and its rotated files (oldest first); missing files are skipped. */
export function readLines(path: string, maxFiles: number): string[] {
  const out: string[] = [];
  for (const file of rotatedFiles(path, maxFiles)) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n")) if (line) out.push(line);
  }
  return out;
}

export function parseJsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const v = JSON.parse(line) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calls onLine for every complete line appended to `path` after `from` bytes, until the signal
 * aborts. A file that shrinks or is replaced (rotation) is read again from its start.
 */
export async function followFile(path: string, from: number, onLine: (line: string) => void, signal: AbortSignal, pollMs = 200): Promise<void> {
  let offset = from;
  let ino = existsSync(path) ? statSync(path).ino : undefined;
  // bytes after the last newline: a line still being written (or a character split across reads)
  let partial = Buffer.alloc(0);
  const buf = Buffer.alloc(64 * 1024);
  while (!signal.aborted) {
    if (existsSync(path)) {
      const st = statSync(path);
      if (st.ino !== ino || st.size < offset) {
        ino = st.ino;
        offset = 0;
        partial = Buffer.alloc(0);
      }
      if (st.size > offset) {
        const fd = openSync(path, "r");
        try {
          let n: number;
          while ((n = readSync(fd, buf, 0, buf.length, offset)) > 0) {
            offset += n;
            const bytes = Buffer.concat([partial, buf.subarray(0, n)]);
            const end = bytes.lastIndexOf(0x0a);
            partial = Buffer.from(bytes.subarray(end + 1));
            if (end >= 0) for (const line of bytes.toString("utf8", 0, end).split("\n")) if (line) onLine(line);
          }
        } finally {
          closeSync(fd);
        }
      }
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export function sizeOf(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}
