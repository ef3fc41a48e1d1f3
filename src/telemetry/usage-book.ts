// Usage-log records summed per UTC day, provider and model, for the dashboard's Usage tab. Fed live
// by every record and seeded once from the log on disk for what came before this process started.
// Bounded: days older than the retention are dropped, and so are new groups past a cap.
import type { UsageRecord } from "../providers/usage-log.ts";

export interface UsageGroup {
  day: string;
  provider: string;
  model: string;
  /** L3 calls made (status ok or error) */
  requests: number;
  errors: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  /** deflected answers that saved a call to this provider/model */
  deflected: number;
  tokens_saved: number;
  cost_saved_usd: number;
}

export interface UsageSummary {
  days: number;
  totals: Omit<UsageGroup, "day" | "provider" | "model">;
  daily: ({ day: string } & Omit<UsageGroup, "day" | "provider" | "model">)[];
  by_model: Omit<UsageGroup, "day">[];
}

const RETENTION_DAYS = 31;
const MAX_GROUPS = 20_000;
const DAY_MS = 86_400_000;

const empty = () => ({ requests: 0, errors: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, deflected: 0, tokens_saved: 0, cost_saved_usd: 0 });
type Sums = ReturnType<typeof empty>;

const SUM_KEYS = Object.keys(empty()) as (keyof Sums)[];

function addInto(into: Sums, from: Sums): void {
  for (const k of SUM_KEYS) into[k] += from[k];
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;
function rounded<T extends Sums>(s: T): T {
  return { ...s, cost_usd: round(s.cost_usd), cost_saved_usd: round(s.cost_saved_usd) };
}

export class UsageBook {
  private readonly groups = new Map<string, UsageGroup>();
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
      g = { day, provider: rec.provider, model: rec.model, ...empty() };
      this.groups.set(key, g);
    }
    const tokens = rec.input_tokens + rec.output_tokens;
    if (rec.saved) {
      g.deflected++;
      g.tokens_saved += tokens;
      g.cost_saved_usd += rec.cost_usd;
    } else if (rec.layer === "l3") {
      g.requests++;
      if (rec.status === "error") g.errors++;
      g.tokens_in += rec.input_tokens;
      g.tokens_out += rec.output_tokens;
      g.cost_usd += rec.cost_usd;
    }
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
    const totals = empty();
    const daily = new Map(dayList.map((d) => [d, empty()]));
    const byModel = new Map<string, Omit<UsageGroup, "day">>();
    for (const g of this.groups.values()) {
      if (!wanted.has(g.day)) continue;
      addInto(totals, g);
      addInto(daily.get(g.day)!, g);
      const key = `${g.provider}\u0000${g.model}`;
      const m = byModel.get(key) ?? { provider: g.provider, model: g.model, ...empty() };
      addInto(m, g);
      byModel.set(key, m);
    }
    return {
      days: span,
      totals: rounded(totals),
      daily: dayList.map((day) => ({ day, ...rounded(daily.get(day)!) })),
      by_model: [...byModel.values()].map(rounded).sort((a, b) => b.requests + b.deflected - (a.requests + a.deflected)),
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
