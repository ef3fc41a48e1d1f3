// Quotas per provider / model / key on requests, tokens or cost per UTC day or month (ADR-021).
// Counters are fed by the same records the usage log writes, and seeded from that log at startup,
// so what is enforced is what is reported.
import type { UsageRecord } from "./usage-log.ts";

export type QuotaAction = "warn" | "block" | "fallback";

/** One `[[quotas]]` table of isartor.toml. */
export interface QuotaRule {
  /** provider name, or "*" for every provider */
  provider: string;
  /** only calls for this model (default: every model) */
  model?: string;
  /** only calls made with this pool key id, e.g. "openai#2" (default: every key) */
  key_id?: string;
  period: "day" | "month";
  max_requests?: number;
  max_tokens?: number;
  max_cost_usd?: number;
  action: QuotaAction;
  /** share of a limit from which a warning header is sent (default 0.8) */
  warn_ratio?: number;
}

export interface QuotaScope {
  provider: string;
  model: string;
  /** undefined: check provider/model rules; set: check the rules for this key only */
  keyId?: string;
}

export interface QuotaVerdict {
  action: "ok" | QuotaAction;
  /** set when action is not "ok" */
  message?: string;
  /** a rule is near its limit (warning header) even though the call may go on */
  warning?: string;
}

interface Counter {
  period: string;
  requests: number;
  tokens: number;
  cost: number;
}

const SEVERITY = { ok: 0, warn: 1, fallback: 2, block: 3 } as const;

export function periodKey(period: QuotaRule["period"], at: Date): string {
  const iso = at.toISOString();
  return period === "day" ? iso.slice(0, 10) : iso.slice(0, 7);
}

export class QuotaTracker {
  private readonly counters: Counter[];

  constructor(
    readonly rules: QuotaRule[],
    private readonly now: () => Date = () => new Date(),
  ) {
    this.counters = rules.map(() => ({ period: "", requests: 0, tokens: 0, cost: 0 }));
  }

  private matches(rule: QuotaRule, provider: string, model: string, keyId: string | undefined): boolean {
    return (rule.provider === "*" || rule.provider === provider) && (!rule.model || rule.model === model) && (!rule.key_id || rule.key_id === keyId);
  }

  private counter(i: number, at: Date): Counter {
    const c = this.counters[i]!;
    const period = periodKey(this.rules[i]!.period, at);
    if (c.period !== period) Object.assign(c, { period, requests: 0, tokens: 0, cost: 0 });
    return c;
  }

  /** Counts one answered L3 call. Failed calls and deflected (saved) records do not use quota. */
  record(rec: UsageRecord): void {
    if (rec.layer !== "l3" || rec.status !== "ok" || rec.saved) return;
    const at = new Date(rec.ts);
    const current = this.now();
    this.rules.forEach((rule, i) => {
      if (!this.matches(rule, rec.provider, rec.model, rec.key_id)) return;
      if (periodKey(rule.period, at) !== periodKey(rule.period, current)) return;
      const c = this.counter(i, current);
      c.requests += 1;
      c.tokens += rec.input_tokens + rec.output_tokens;
      c.cost += rec.cost_usd;
    });
  }

  /** The verdict for a call about to be made, counting the call itself (projected tokens and cost). */
  check(scope: QuotaScope, projected: { tokens: number; cost: number }): QuotaVerdict {
    const at = this.now();
    let verdict: QuotaVerdict = { action: "ok" };
    this.rules.forEach((rule, i) => {
      if (Boolean(rule.key_id) !== (scope.keyId !== undefined)) return;
      if (!this.matches(rule, scope.provider, scope.model, scope.keyId)) return;
      const c = this.counter(i, at);
      const measures: [string, number | undefined, number, number][] = [
        ["requests", rule.max_requests, c.requests, 1],
        ["tokens", rule.max_tokens, c.tokens, projected.tokens],
        ["cost (USD)", rule.max_cost_usd, c.cost, projected.cost],
      ];
      for (const [what, limit, used, next] of measures) {
        if (limit === undefined) continue;
        const who = describe(rule);
        if (used + next > limit) {
          const message =
            `quota exceeded for ${who}: ${what} this ${rule.period} ${round(used)} of ${limit}` +
            (rule.action === "fallback" ? "; falling back to the next provider" : "");
          if (SEVERITY[rule.action] > SEVERITY[verdict.action]) verdict = { ...verdict, action: rule.action, message };
          if (rule.action === "warn") verdict.warning ??= message;
        } else if (used + next >= limit * (rule.warn_ratio ?? 0.8)) {
          verdict.warning ??= `quota for ${who} at ${Math.round(((used + next) / limit) * 100)}% of ${limit} ${what} this ${rule.period}`;
        }
      }
    });
    return verdict;
  }

  /** Current use against every rule (for status views). */
  status(): { rule: QuotaRule; period: string; requests: number; tokens: number; cost_usd: number }[] {
    const at = this.now();
    return this.rules.map((rule, i) => {
      const c = this.counter(i, at);
      return { rule, period: c.period, requests: c.requests, tokens: c.tokens, cost_usd: round(c.cost) };
    });
  }
}

function describe(rule: QuotaRule): string {
  const parts = [rule.provider === "*" ? "all providers" : `provider ${rule.provider}`];
  if (rule.model) parts.push(`model ${rule.model}`);
  if (rule.key_id) parts.push(`key ${rule.key_id}`);
  return parts.join(", ");
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

const RULE_KEYS = new Set(["provider", "model", "key_id", "period", "max_requests", "max_tokens", "max_cost_usd", "action", "warn_ratio"]);

/** Validates the `quotas` setting; returns a message naming the bad field, or undefined. */
export function validateQuotaRules(value: unknown): string | undefined {
  if (!Array.isArray(value)) return "a list of quota tables ([[quotas]])";
  for (const [i, raw] of value.entries()) {
    const at = `quotas[${i}]`;
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) return `${at} to be a table`;
    const r = raw as Record<string, unknown>;
    const unknown = Object.keys(r).find((k) => !RULE_KEYS.has(k));
    if (unknown) return `${at} to have only the keys ${[...RULE_KEYS].join(", ")} (got '${unknown}')`;
    if (typeof r.provider !== "string" || !r.provider) return `${at}.provider to be a provider name or "*"`;
    for (const k of ["model", "key_id"]) if (r[k] !== undefined && typeof r[k] !== "string") return `${at}.${k} to be a string`;
    if (r.period !== "day" && r.period !== "month") return `${at}.period to be day | month`;
    if (r.action !== "warn" && r.action !== "block" && r.action !== "fallback") return `${at}.action to be warn | block | fallback`;
    const limits = ["max_requests", "max_tokens", "max_cost_usd"].filter((k) => r[k] !== undefined);
    if (limits.length === 0) return `${at} to set at least one of max_requests, max_tokens, max_cost_usd`;
    for (const k of limits) if (typeof r[k] !== "number" || (r[k] as number) < 0) return `${at}.${k} to be a number ≥ 0`;
    if (r.warn_ratio !== undefined && (typeof r.warn_ratio !== "number" || r.warn_ratio <= 0 || r.warn_ratio > 1)) {
      return `${at}.warn_ratio to be a number in (0, 1]`;
    }
  }
  return undefined;
}
