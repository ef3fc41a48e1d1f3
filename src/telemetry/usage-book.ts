// Usage-log records summed per UTC day, provider and model, for the dashboard's Usage tab. Fed live
// by every record and seeded once from the log on disk for what came before this process started.
// Bounded: days older than the retention are dropped, and so are new groups past a cap.
import type { UsageRecord } from "../providers/usage-log.ts";
import { addUsage, emptyUsageSums, roundUsd, type UsageSums } from "./usage-sums.ts";

/** UsageSums as the Usage tab names them: an L3 call made (status ok or error) is a request */
type Counts = { requests: number } & Omit<UsageSums, "calls">;

export type UsageGroup = { day: string; provider: string; model: string } & Counts;

export interface UsageSummary {
  days: number;
  totals: Counts;
  daily: ({ day: string } & Counts)[];
  by_model: Omit<UsageGroup, "day">[];
}

const RETENTION_DAYS = 31;
const MAX_GROUPS = 20_000;
const DAY_MS = 86_400_000;

/** what the book keeps per day, provider and model */
interface DayGroup extends UsageSums {
  day: string;
  provider: string;
  model: string;
}

const SUM_KEYS = Object.keys(emptyUsageSums()) as (keyof UsageSums)[];

function addInto(into: UsageSums, from: UsageSums): void {
  for (const k of SUM_KEYS) into[k] += from[k];
}

/** The summary's names (an L3 call is a "request" on the Usage tab), dollars rounded. */
function published(s: UsageSums): Counts {
  return {
    requests: s.calls,
    errors: s.errors,
    tokens_in: s.tokens_in,
    tokens_out: s.tokens_out,
    cost_usd: roundUsd(s.cost_usd),
    deflected: s.deflected,
    tokens_saved: s.tokens_saved,
    cost_saved_usd: roundUsd(s.cost_saved_usd),
  };
}

export class UsageBook {
  private readonly groups = new Map<string, DayGroup>();
  private seeded = false;
  dropped = 0;

  constructor(private readonly now: () => number = Date.now) {}

  add(rec: UsageRecord): void {
    const day = rec.ts.slice(0, 10);
    if (day < this.oldestDay()) return;
    const key = `${day}\u0000${rec.provider}\u0000${rec.model}`;
    let g = this.groups.get(key);
    if (!g) {
      this.prune();
      if (this.groups.size >= MAX_GROUPS) {
        this.dropped++;
        return;
      }
      g = { day, provider: rec.provider, model: rec.model, ...emptyUsageSums() };
      this.groups.set(key, g);
    }
    addUsage(g, rec);
  }

  /** Adds what `read` returns, once; later calls do nothing. */
  seedOnce(read: () => UsageRecord[]): void {
    if (this.seeded) return;
    this.seeded = true;
    for (const rec of read()) this.add(rec);
  }

  summary(days = 7): UsageSummary {
    const span = Math.min(Math.max(1, Math.floor(days)), RETENTION_DAYS);
    const today = this.now();
    const dayList = Array.from({ length: span }, (_, i) => new Date(today - (span - 1 - i) * DAY_MS).toISOString().slice(0, 10));
    const wanted = new Set(dayList);
    const totals = emptyUsageSums();
    const daily = new Map(dayList.map((d) => [d, emptyUsageSums()]));
    const byModel = new Map<string, Omit<DayGroup, "day">>();
    for (const g of this.groups.values()) {
      if (!wanted.has(g.day)) continue;
      addInto(totals, g);
      addInto(daily.get(g.day)!, g);
      const key = `${g.provider}\u0000${g.model}`;
      const m = byModel.get(key) ?? { provider: g.provider, model: g.model, ...emptyUsageSums() };
      addInto(m, g);
      byModel.set(key, m);
    }
    return {
      days: span,
      totals: published(totals),
      daily: dayList.map((day) => ({ day, ...published(daily.get(day)!) })),
      by_model: [...byModel.values()].map(({ provider, model, ...sums }) => ({ provider, model, ...published(sums) })).sort((a, b) => b.requests + b.deflected - (a.requests + a.deflected)),
    };
  }

  private oldestDay(): string {
    return new Date(this.now() - (RETENTION_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  }

  private prune(): void {
    const oldest = this.oldestDay();
    for (const [key, g] of this.groups) if (g.day < oldest) this.groups.delete(key);
  }
}
