// What the dashboard shows about traffic, kept in memory and bounded: the last N requests (metadata
// only, never bodies, every string through the redactor), totals per final layer since start, and
// per-minute counts per layer for "deflection by layer over time".
import { isoTime, newId } from "../pipeline/ids.ts";
import type { UsageRecord } from "../providers/usage-log.ts";
import type { Redactor } from "./redact.ts";
import { requestPath } from "../server/request-target.ts";
import { UsageBook } from "./usage-book.ts";

/** Where a request ended: a pipeline layer, L0 refusing it, or an error with no layer. */
export type FinalLayer = "l0" | "l1a" | "l1b" | "l2" | "l3" | "error";

export interface RequestSummary {
  id: string;
  /** ISO time the request finished */
  time: string;
  method: string;
  path: string;
  format?: string;
  status: number;
  layer: FinalLayer;
  provider?: string;
  model?: string;
  key_id?: string;
  tenant?: string;
  stream?: boolean;
  duration_ms: number;
  tokens_in?: number;
  tokens_out?: number;
  cost_usd?: number;
  /** the tokens and cost are what the upstream call would have used (a deflected answer) */
  saved?: boolean;
  error?: string;
}

export type RequestInput = Omit<RequestSummary, "time" | "layer"> & { layer?: string };

export interface MinuteBucket {
  /** start of the minute, ms since the epoch */
  minute: number;
  counts: Partial<Record<FinalLayer, number>>;
}

export interface RecentRequestsOptions {
  /** requests kept (default 100) */
  capacity?: number;
  /** minutes of per-layer history kept (default 1440 = one day) */
  minutes?: number;
  now?: () => number;
}

const FINAL_LAYERS = new Set<string>(["l0", "l1a", "l1b", "l2", "l3"]);
/** usage records for requests not yet finished (non-streaming L3 calls are recorded before) */
const PENDING_MAX = 256;

export function finalLayerOf(layer: string | undefined, status: number): FinalLayer {
  if (layer && FINAL_LAYERS.has(layer)) return layer as FinalLayer;
  return status >= 400 && status < 500 && status !== 499 && status !== 408 ? "l0" : "error";
}

export class RecentRequests {
  private readonly ring: RequestSummary[] = [];
  /** the ring's entries by request id, for attaching usage */
  private readonly byId = new Map<string, RequestSummary>();
  private next = 0;
  private readonly buckets: MinuteBucket[] = [];
  private readonly pending = new Map<string, UsageRecord>();
  readonly totals: Record<FinalLayer, number> = { l0: 0, l1a: 0, l1b: 0, l2: 0, l3: 0, error: 0 };
  readonly capacity: number;
  /** usage records per day/provider/model (the Usage tab) */
  readonly usage: UsageBook;
  private readonly minutes: number;
  private readonly now: () => number;

  constructor(
    private readonly redactor: Redactor,
    opts: RecentRequestsOptions = {},
  ) {
    this.capacity = Math.max(1, opts.capacity ?? 100);
    this.minutes = Math.max(1, opts.minutes ?? 1440);
    this.now = opts.now ?? Date.now;
    this.usage = new UsageBook(this.now);
  }

  record(input: RequestInput): void {
    const at = this.now();
    const entry = this.redactor.value({ ...input, time: isoTime(at), layer: finalLayerOf(input.layer, input.status) }) as RequestSummary;
    const usage = this.pending.get(entry.id);
    if (usage) {
      this.pending.delete(entry.id);
      applyUsage(entry, usage);
    }
    if (this.ring.length < this.capacity) this.ring.push(entry);
    else {
      this.byId.delete(this.ring[this.next]!.id);
      this.ring[this.next] = entry;
    }
    this.byId.set(entry.id, entry);
    this.next = (this.next + 1) % this.capacity;
    this.totals[entry.layer]++;
    this.count(at, entry.layer);
  }

  /**
   * Attaches a usage-log record (model, tokens, cost) to its request, before or after it finishes,
   * and counts it in `usage`.
   */
  attachUsage(rec: UsageRecord): void {
    this.usage.add(rec);
    if (!rec.request_id) return;
    const entry = this.byId.get(rec.request_id);
    if (entry) {
      applyUsage(entry, rec);
      return;
    }
    if (this.pending.size >= PENDING_MAX) this.pending.delete(this.pending.keys().next().value!);
    this.pending.set(rec.request_id, rec);
  }

  /** newest first */
  list(limit = this.capacity): RequestSummary[] {
    // once full, the oldest entry sits at `next`; before that the ring is in arrival order
    const ordered = [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return ordered.reverse().slice(0, limit).map((e) => ({ ...e }));
  }

  /** One bucket per minute for the last `minutes` minutes, oldest first, empty minutes included. */
  series(minutes = 60): MinuteBucket[] {
    const span = Math.min(Math.max(1, minutes), this.minutes);
    const current = minuteOf(this.now());
    const byMinute = new Map(this.buckets.map((b) => [b.minute, b]));
    return Array.from({ length: span }, (_, i) => {
      const minute = current - (span - 1 - i) * 60_000;
      return { minute, counts: { ...(byMinute.get(minute)?.counts ?? {}) } };
    });
  }

  private count(at: number, layer: FinalLayer): void {
    const minute = minuteOf(at);
    let last = this.buckets.at(-1);
    if (!last || last.minute !== minute) {
      last = { minute, counts: {} };
      this.buckets.push(last);
      const oldest = minute - (this.minutes - 1) * 60_000;
      while (this.buckets.length && this.buckets[0]!.minute < oldest) this.buckets.shift();
    }
    last.counts[layer] = (last.counts[layer] ?? 0) + 1;
  }
}

const minuteOf = (ms: number) => Math.floor(ms / 60_000) * 60_000;

function applyUsage(entry: RequestSummary, rec: UsageRecord): void {
  entry.model = rec.model;
  entry.provider ??= rec.provider;
  entry.tokens_in = rec.input_tokens;
  entry.tokens_out = rec.output_tokens;
  entry.cost_usd = Math.round(rec.cost_usd * 1e9) / 1e9;
  if (rec.saved) entry.saved = true;
}

/** A request the auth gate turned away before any route ran (L0). */
export function recordRefusal(recent: RecentRequests, request: Request, error: { status: number; message: string }): void {
  recent.record({ id: newId("req_"), method: request.method, path: requestPath(request), status: error.status, layer: "l0", duration_ms: 0, error: error.message });
}
