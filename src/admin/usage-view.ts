// /api/admin/usage?days=N: tokens and cost per day and per provider/model from the usage log (this
// process's records, plus the log on disk for what came before it started, read once), and the
// state of every quota rule.
import type { GatewayServices } from "../server/services.ts";
import type { UsageBook } from "../telemetry/usage-book.ts";

const DAY_MS = 86_400_000;

/** The usage book, seeded on first use with the records on disk from before this process started. */
export function seededUsage(s: GatewayServices): UsageBook {
  const book = s.runtime.recent.usage;
  // records from before this process started are only on disk; later ones arrive live
  book.seedOnce(() => s.providers.usage.readSince(new Date(s.startedAt - 31 * DAY_MS)).filter((r) => Date.parse(r.ts) < s.startedAt));
  return book;
}

export function usageView(s: GatewayServices, days: number) {
  return {
    log: { enabled: s.config.usage.enabled, path: s.providers.usage.path },
    ...seededUsage(s).summary(days),
    quotas: (s.providers.quotas?.status() ?? []).map((q) => ({ ...q.rule, period_key: q.period, used: { requests: q.requests, tokens: q.tokens, cost_usd: q.cost_usd } })),
  };
}
