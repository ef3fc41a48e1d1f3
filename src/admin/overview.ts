// /api/admin/overview: what the dashboard's first tab shows — uptime, version, layers, cache sizes,
// requests per final layer (totals and per minute), the last 7 days' deflection, tokens and cost
// saved, provider states and quota warnings. Counts only; no keys, no bodies.
import type { GatewayServices } from "../server/services.ts";
import { seededUsage } from "./usage-view.ts";

export async function collectOverview(s: GatewayServices, minutes: number) {
  const rt = s.runtime;
  const caches: Record<string, number> = {};
  for (const c of rt.caches) caches[c.name] = await c.size();
  const totals = rt.recent.totals;
  const answered = totals.l1a + totals.l1b + totals.l2 + totals.l3;
  const deflected = totals.l1a + totals.l1b + totals.l2;
  const usage = s.providers.usage.totals;
  return {
    version: s.version,
    started_at: new Date(s.startedAt).toISOString(),
    uptime_secs: Math.round((Date.now() - s.startedAt) / 1000),
    in_flight: s.inFlight(),
    layers: s.layersEnabled,
    caches,
    requests: {
      total: Object.values(totals).reduce((a, b) => a + b, 0),
      by_layer: { ...totals },
      deflection_rate: answered ? deflected / answered : 0,
    },
    series: rt.recent.series(minutes).map((b) => ({ minute: new Date(b.minute).toISOString(), counts: b.counts })),
    /** per UTC day from the usage log: answers that saved a cloud call vs cloud calls made */
    daily: seededUsage(s).summary(7).daily.map((d) => ({ day: d.day, deflected: d.deflected, cloud: d.requests })),
    saved: {
      deflected: usage.deflected,
      tokens_saved: usage.tokens_saved,
      cost_saved_usd: Math.round(usage.cost_saved_usd * 1e6) / 1e6,
      cloud_calls: usage.l3_calls,
      cloud_cost_usd: Math.round(usage.cost_usd * 1e6) / 1e6,
    },
    providers: s.providers.status().map((p) => ({ name: p.name, vendor: p.vendor, status: p.status, keys_available: p.keys.available, keys_total: p.keys.total })),
    quota_warnings: quotaWarnings(s),
  };
}

/** quota rules at or over their warning share, as short sentences */
function quotaWarnings(s: GatewayServices): string[] {
  const out: string[] = [];
  for (const q of s.providers.quotas?.status() ?? []) {
    const ratio = q.rule.warn_ratio ?? 0.8;
    const checks: [string, number | undefined, number][] = [
      ["requests", q.rule.max_requests, q.requests],
      ["tokens", q.rule.max_tokens, q.tokens],
      ["cost (USD)", q.rule.max_cost_usd, q.cost_usd],
    ];
    for (const [what, limit, used] of checks) {
      if (limit === undefined || used < limit * ratio) continue;
      const who = [q.rule.provider === "*" ? "all providers" : q.rule.provider, q.rule.model, q.rule.key_id].filter(Boolean).join(" / ");
      out.push(`${who}: ${what} ${used} of ${limit} this ${q.rule.period} (${Math.round((used / Math.max(limit, 1e-9)) * 100)}%)`);
    }
  }
  return out;
}
