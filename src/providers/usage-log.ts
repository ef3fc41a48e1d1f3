// Append-only usage analytics (ADR-020): one JSON line per L3 call and per deflected answer, in
// usage.jsonl with size-based rotation (usage.jsonl → usage.jsonl.1 → … → usage.jsonl.<max_files>).
// Writes are queued and never block or fail a request (telemetry/rotating-jsonl.ts); key ids are
// recorded, never keys.
import { expandHome, RotatingJsonl } from "../telemetry/rotating-jsonl.ts";
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

export { expandHome };

export class UsageLog {
  readonly path: string;
  private readonly file: RotatingJsonl;
  private readonly listeners: ((rec: UsageRecord) => void)[] = [];
  readonly totals: UsageTotals = { l3_calls: 0, l3_errors: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, deflected: 0, tokens_saved: 0, cost_saved_usd: 0 };

  constructor(private readonly opts: UsageLogOptions) {
    this.file = new RotatingJsonl(opts);
    this.path = this.file.path;
  }

  /** records dropped because the disk could not keep up */
  get dropped(): number {
    return this.file.dropped;
  }

  get writeErrors(): number {
    return this.file.writeErrors;
  }

  onRecord(listener: (rec: UsageRecord) => void): void {
    this.listeners.push(listener);
  }

  append(rec: UsageRecord): void {
    this.count(rec);
    for (const l of this.listeners) l(rec);
    if (this.opts.enabled) this.file.append(rec);
  }

  /** resolves when every record appended so far is on disk */
  flush(): Promise<void> {
    return this.file.flush();
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

  /** Records on disk (oldest rotated file first) from `since` on; unreadable lines are skipped. */
  readSince(since: Date): UsageRecord[] {
    return this.file.read<UsageRecord>().filter((rec) => typeof rec.ts === "string" && new Date(rec.ts) >= since);
  }
}
