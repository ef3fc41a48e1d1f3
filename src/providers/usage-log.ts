// Append-only usage analytics (ADR-020): one JSON line per L3 call and per deflected answer, in
// usage.jsonl with size-based rotation (usage.jsonl → usage.jsonl.1 → … → usage.jsonl.<max_files>).
// Writes are queued and never block or fail a request; key ids are recorded, never keys.
import { appendFile, mkdir, rename, rm, stat } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { LayerName } from "../pipeline/types.ts";

export interface UsageRecord {
  /** ISO time */
  ts: string;
  layer: LayerName;
  /** the provider that answered (l3), or the primary provider the deflection saved a call to */
  provider: string;
  model: string;
  key_id?: string;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_ms: number;
  status: "ok" | "error";
  /** a deflected answer: tokens and cost are what the upstream call would have used */
  saved?: boolean;
  stream?: boolean;
  error?: string;
  request_id?: string;
}

export interface UsageLogOptions {
  enabled: boolean;
  path: string;
  maxFileBytes: number;
  /** rotated files kept besides the current one */
  maxFiles: number;
}

export interface UsageTotals {
  l3_calls: number;
  l3_errors: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  deflected: number;
  tokens_saved: number;
  cost_saved_usd: number;
}

/** records waiting for the disk beyond this are dropped (and counted) rather than held in memory */
const MAX_PENDING = 10_000;
/** how long records wait to be written together */
const FLUSH_MS = 50;

export function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? join(homedir(), path.slice(2)) : path;
}

export class UsageLog {
  readonly path: string;
  private size: number | undefined;
  private queue: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners: ((rec: UsageRecord) => void)[] = [];
  dropped = 0;
  writeErrors = 0;
  readonly totals: UsageTotals = { l3_calls: 0, l3_errors: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, deflected: 0, tokens_saved: 0, cost_saved_usd: 0 };

  constructor(private readonly opts: UsageLogOptions) {
    this.path = expandHome(opts.path);
  }

  onRecord(listener: (rec: UsageRecord) => void): void {
    this.listeners.push(listener);
  }

  append(rec: UsageRecord): void {
    this.count(rec);
    for (const l of this.listeners) l(rec);
    if (!this.opts.enabled) return;
    if (this.queue.length >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    // Lines queue for up to FLUSH_MS and go to disk in one append: a file open/write/close per
    // request costs more than the L1a hit it records.
    this.queue.push(`${JSON.stringify(rec)}\n`);
    this.timer ??= setTimeout(() => this.drain(), FLUSH_MS);
  }

  private drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.queue;
    this.queue = [];
    if (lines.length) {
      this.writing = this.writing
        .then(() => this.write(lines))
        .catch(() => {
          this.writeErrors++;
        });
    }
    return this.writing;
  }

  /** resolves when every record appended so far is on disk */
  flush(): Promise<void> {
    return this.drain();
  }

  private appendText(text: string): Promise<void> {
    return appendFile(this.path, text, { mode: 0o600 });
  }

  private count(rec: UsageRecord): void {
    const t = this.totals;
    if (rec.saved) {
      t.deflected++;
      t.tokens_saved += rec.input_tokens + rec.output_tokens;
      t.cost_saved_usd += rec.cost_usd;
    } else if (rec.layer === "l3") {
      t.l3_calls++;
      if (rec.status === "error") t.l3_errors++;
      t.tokens_in += rec.input_tokens;
      t.tokens_out += rec.output_tokens;
      t.cost_usd += rec.cost_usd;
    }
  }

  /** Appends the lines, rotating at the same record boundary a line-by-line writer would. */
  private async write(lines: string[]): Promise<void> {
    if (this.size === undefined) {
      await mkdir(dirname(this.path), { recursive: true });
      this.size = await stat(this.path).then((s) => s.size, () => 0);
    }
    let segment = "";
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      if (this.size > 0 && this.size + bytes > this.opts.maxFileBytes) {
        if (segment) await this.appendText(segment);
        segment = "";
        await this.rotate();
      }
      segment += line;
      this.size += bytes;
    }
    if (segment) await this.appendText(segment);
  }

  private async rotate(): Promise<void> {
    const max = this.opts.maxFiles;
    if (max <= 0) await rm(this.path, { force: true });
    else {
      await rm(`${this.path}.${max}`, { force: true });
      for (let i = max - 1; i >= 1; i--) await rename(`${this.path}.${i}`, `${this.path}.${i + 1}`).catch(() => {});
      await rename(this.path, `${this.path}.1`);
    }
    this.size = 0;
  }

  /** Records on disk (oldest rotated file first) from `since` on; unreadable lines are skipped. */
  readSince(since: Date): UsageRecord[] {
    const files = [...Array.from({ length: this.opts.maxFiles }, (_, i) => `${this.path}.${this.opts.maxFiles - i}`), this.path];
    const out: UsageRecord[] = [];
    for (const file of files) {
      if (!existsSync(file)) continue;
      for (const line of readFileSync(file, "utf8").split("\n")) {
        if (!line) continue;
        try {
          const rec = JSON.parse(line) as UsageRecord;
          if (rec && typeof rec.ts === "string" && new Date(rec.ts) >= since) out.push(rec);
        } catch {
          // a torn last line after a crash: skip it
        }
      }
    }
    return out;
  }
}
