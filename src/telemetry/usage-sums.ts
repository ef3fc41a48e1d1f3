// What usage records add up to, under one naming for every summary of them: the usage log's running
// totals, `isartor stats --usage` and the dashboard's Usage tab. Each keeps its own output names.
import type { UsageRecord } from "../providers/usage-log.ts";

export interface UsageSums {
  /** L3 calls made (status ok or error) */
  calls: number;
  errors: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  /** deflected answers, each a saved upstream call: tokens and cost are what that call would have used */
  deflected: number;
  tokens_saved: number;
  cost_saved_usd: number;
}

export function emptyUsageSums(): UsageSums {
  return { calls: 0, errors: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, deflected: 0, tokens_saved: 0, cost_saved_usd: 0 };
}

/** Counts one record into `into`; records that are neither an L3 call nor a deflection count nothing. */
export function addUsage(into: UsageSums, rec: UsageRecord): void {
  if (rec.saved) {
    into.deflected++;
    into.tokens_saved += rec.input_tokens + rec.output_tokens;
    into.cost_saved_usd += rec.cost_usd;
  } else if (rec.layer === "l3") {
    into.calls++;
    if (rec.status === "error") into.errors++;
    into.tokens_in += rec.input_tokens;
    into.tokens_out += rec.output_tokens;
    into.cost_usd += rec.cost_usd;
  }
}

/** Dollar amounts as summaries print them: to a millionth. */
export const roundUsd = (n: number) => Math.round(n * 1e6) / 1e6;
