// Summaries of the request log and the usage log for `isartor stats`: requests and deflection by
// layer, latency percentiles, tokens and cost saved, and (usage) spend per provider and model.
import type { UsageRecord } from "../providers/usage-log.ts";
import type { RequestLogRecord } from "./request-log.ts";
import { addUsage, emptyUsageSums, roundUsd, type UsageSums } from "./usage-sums.ts";

/** Layers in pipeline order, as the request log names them (l0: refused before any layer). */
export const LAYER_ORDER = ["l0", "l0.5", "l1a", "l1b", "l2", "l2.5", "l3"] as const;

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface LayerStats {
  layer: string;
  requests: number;
  /** share of all requests in the window */
  share: number;
  latency_ms: Percentiles;
}

export interface RequestStats {
  requests: number;
  /** answered with a status below 400 */
  answered: number;
  /** refused by L0 (auth, limits, bad input, no such route) */
  refused: number;
  /** 5xx */
  errors: number;
  /** answered requests that never reached L3 (L1a, L1b, L2), over all answered requests */
  deflection_rate: number;
  by_layer: LayerStats[];
  latency_ms: Percentiles;
  /** tokens (input + output) of deflected answers: what L3 would have been sent and returned */
  tokens_saved: number;
}

/** Nearest-rank percentile of ascending values (0 when there are none). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

export function requestStats(records: RequestLogRecord[]): RequestStats {
  const answered = records.filter((r) => r.status < 400);
  const deflected = answered.filter((r) => r.deflected);
  const byLayer = new Map<string, RequestLogRecord[]>();
  for (const r of records) byLayer.set(r.layer, [...(byLayer.get(r.layer) ?? []), r]);
  const rank = (layer: string) => {
    const i = (LAYER_ORDER as readonly string[]).indexOf(layer);
    return i < 0 ? LAYER_ORDER.length : i;
  };
  return {
    requests: records.length,
    answered: answered.length,
    refused: records.filter((r) => r.layer === "l0").length,
    errors: records.filter((r) => r.status >= 500).length,
    deflection_rate: answered.length ? deflected.length / answered.length : 0,
    by_layer: [...byLayer.entries()]
      .sort(([a], [b]) => rank(a) - rank(b))
      .map(([layer, rs]) => ({ layer, requests: rs.length, share: rs.length / records.length, latency_ms: percentiles(rs.map((r) => r.duration_ms)) })),
    latency_ms: percentiles(answered.map((r) => r.duration_ms)),
    tokens_saved: deflected.reduce((n, r) => n + (r.tokens_in ?? 0) + (r.tokens_out ?? 0), 0),
  };
}

export interface UsageGroupStats extends UsageSums {
  provider: string;
  model: string;
}

export interface UsageStats {
  totals: Omit<UsageGroupStats, "provider" | "model">;
  by_model: UsageGroupStats[];
}

export function usageStats(records: UsageRecord[]): UsageStats {
  const totals = emptyUsageSums();
  const groups = new Map<string, UsageGroupStats>();
  for (const rec of records) {
    const key = `${rec.provider}\u0000${rec.model}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { provider: rec.provider, model: rec.model, ...emptyUsageSums() }));
    addUsage(g, rec);
    addUsage(totals, rec);
  }
  const rounded = <T extends UsageSums>(g: T): T => ({ ...g, cost_usd: roundUsd(g.cost_usd), cost_saved_usd: roundUsd(g.cost_saved_usd) });
  return { totals: rounded(totals), by_model: [...groups.values()].map(rounded).sort((a, b) => b.calls + b.deflected - (a.calls + a.deflected)) };
}
