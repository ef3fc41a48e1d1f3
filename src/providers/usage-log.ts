// Append-only usage analytics (ADR-020): one JSON line per L3 call and per deflected answer, in
// usage.jsonl with size-based rotation (usage.jsonl → usage.jsonl.1 → … → usage.jsonl.<max_files>).
// Writes are queued and never block or fail a request (telemetry/rotating-jsonl.ts); key ids are
// recorded, never keys.
import { expandHome, RotatingJsonl } from "../telemetry/rotating-jsonl.ts";
import { addUsage, emptyUsageSums, type UsageSums } from "../telemetry/usage-sums.ts";
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

/** UsageSums as the admin overview reads them: upstream calls and errors named l3_ */
export type UsageTotals = { l3_calls: number; l3_errors: number } & Omit<UsageSums, "calls" | "errors">;

export { expandHome };

export class UsageLog {
  readonly path: string;
  private readonly file: RotatingJsonl;
  private readonly listeners: ((rec: UsageRecord) => void)[] = [];
  private readonly sums = emptyUsageSums();

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

  /** everything appended since this process started */
  get totals(): UsageTotals {
    const { calls, errors, ...rest } = this.sums;
    return { l3_calls: calls, l3_errors: errors, ...rest };
  }

  onRecord(listener: (rec: UsageRecord) => void): void {
    this.listeners.push(listener);
  }

  append(rec: UsageRecord): void {
    addUsage(this.sums, rec);
    for (const l of this.listeners) l(rec);
    if (this.opts.enabled) this.file.append(rec);
  }

  /** resolves when every record appended so far is on disk */
  flush(): Promise<void> {
    return this.file.flush();
  }

  /** Records on disk (oldest rotated file first) from `since` on; unreadable lines are skipped. */
  readSince(since: Date): UsageRecord[] {
    return this.file.read<UsageRecord>().filter((rec) => typeof rec.ts === "string" && new Date(rec.ts) >= since);
  }
}
