import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { loadConfig } from "../../src/config/load.ts";
import { QuotaTracker, validateQuotaRules, type QuotaRule } from "../../src/providers/quotas.ts";
import type { UsageRecord } from "../../src/providers/usage-log.ts";
import { startGateway, type RunningGateway } from "../../src/server/server.ts";
import { useFaultPair } from "../helpers/fault-pair.ts";
import { startFaultUpstream } from "../helpers/fault-upstream.ts";
import { ask, chainEnv, usageRecords } from "./provider-env.ts";

const rec = (over: Partial<UsageRecord> = {}): UsageRecord => ({
  ts: new Date().toISOString(),
  layer: "l3",
  provider: "a",
  model: "m",
  key_id: "a#1",
  input_tokens: 10,
  output_tokens: 5,
  cost_usd: 0.01,
  latency_ms: 3,
  status: "ok",
  ...over,
});

describe("QuotaTracker", () => {
  const rule = (over: Partial<QuotaRule>): QuotaRule => ({ provider: "a", period: "day", action: "block", ...over });

  test("counts tokens, requests and cost of answered calls only", () => {
    const q = new QuotaTracker([rule({ max_tokens: 40 })]);
    q.record(rec());
    q.record(rec({ status: "error" }));
    q.record(rec({ saved: true, layer: "l1a" }));
    q.record(rec({ provider: "b" }));
    expect(q.status()[0]).toMatchObject({ requests: 1, tokens: 15, cost_usd: 0.01 });
    expect(q.check({ provider: "a", model: "m" }, { tokens: 20, cost: 0 }).action).toBe("ok");
    const over = q.check({ provider: "a", model: "m" }, { tokens: 30, cost: 0 });
    expect(over.action).toBe("block");
    expect(over.message).toBe("quota exceeded for provider a: tokens this day 15 of 40");
  });

  test("the warning ratio raises a warning before the limit", () => {
    const q = new QuotaTracker([rule({ max_requests: 10, action: "fallback", warn_ratio: 0.5 })]);
    for (let i = 0; i < 4; i++) q.record(rec());
    const v = q.check({ provider: "a", model: "m" }, { tokens: 0, cost: 0 });
    expect(v.action).toBe("ok");
    expect(v.warning).toBe("quota for provider a at 50% of 10 requests this day");
  });

  test("the most severe action wins; key rules apply only to that key", () => {
    const q = new QuotaTracker([rule({ max_requests: 0, action: "warn" }), rule({ max_cost_usd: 0.005, action: "fallback" }), rule({ key_id: "a#2", max_requests: 0 })]);
    expect(q.check({ provider: "a", model: "m" }, { tokens: 1, cost: 0.01 }).action).toBe("fallback");
    expect(q.check({ provider: "a", model: "m", keyId: "a#1" }, { tokens: 1, cost: 0 }).action).toBe("ok");
    expect(q.check({ provider: "a", model: "m", keyId: "a#2" }, { tokens: 1, cost: 0 }).action).toBe("block");
  });

  test("counters start again in a new UTC period", () => {
    let now = new Date("2026-03-31T23:59:00Z");
    const q = new QuotaTracker([rule({ max_requests: 1, period: "month" })], () => now);
    q.record(rec({ ts: now.toISOString() }));
    expect(q.check({ provider: "a", model: "m" }, { tokens: 0, cost: 0 }).action).toBe("block");
    now = new Date("2026-04-01T00:00:01Z");
    expect(q.check({ provider: "a", model: "m" }, { tokens: 0, cost: 0 }).action).toBe("ok");
  });

  test("bad rules are refused naming the field", () => {
    expect(validateQuotaRules([{ provider: "a", period: "week", action: "block", max_tokens: 1 }])).toContain("quotas[0].period");
    expect(validateQuotaRules([{ provider: "a", period: "day", action: "block" }])).toContain("at least one of max_requests");
    expect(validateQuotaRules([{ provider: "a", period: "day", action: "deny", max_tokens: 1 }])).toContain("warn | block | fallback");
    expect(validateQuotaRules([{ provider: "a", period: "day", action: "warn", max_tokens: 1, extra: 1 }])).toContain("got 'extra'");
  });
});

describe("quota actions through the gateway", () => {
  const ups = useFaultPair();
  let gateway: RunningGateway;

  afterEach(async () => {
    await gateway?.stop();
    ups.reset();
  });

  async function start(quota: Omit<QuotaRule, "provider" | "period">, seed: UsageRecord[] = []) {
    const dir = mkdtempSync(join(tmpdir(), "isartor-quota-"));
    const usagePath = join(dir, "usage.jsonl");
    if (seed.length) writeFileSync(usagePath, seed.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const env = chainEnv([ups.a, ups.b], {
      ISARTOR__HOST_PORT: "127.0.0.1:0",
      ISARTOR__USAGE__PATH: usagePath,
      ISARTOR__QUOTAS: JSON.stringify([{ provider: "a", period: "day", ...quota }]),
    });
    gateway = await startGateway(loadConfig({ env, cwd: dir, home: dir }).config);
    return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused", maxRetries: 0 });
  }

  test("block: over the limit the caller gets a 429 saying which quota", async () => {
    const client = await start({ max_requests: 1, action: "block" });
    await client.chat.completions.create(ask("first"));
    const err = await client.chat.completions.create(ask("second")).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.message).toContain("quota exceeded for provider a: requests this day 1 of 1");
    expect(err.error).toMatchObject({ type: "rate_limit_error", code: "quota_exceeded" });
    expect(ups.a.requests.length).toBe(1);
    expect(ups.b.requests.length).toBe(0);
  });

  test("fallback: over the limit the next provider answers", async () => {
    // the first answer uses 17 tokens (12 in, 5 out); the second question alone projects 2 more
    const client = await start({ max_tokens: 18, action: "fallback" });
    const first = await client.chat.completions.create(ask("first")).withResponse();
    expect(first.response.headers.get("x-isartor-provider")).toBe("a");
    const second = await client.chat.completions.create(ask("second")).withResponse();
    expect(second.response.headers.get("x-isartor-provider")).toBe("b");
    expect(second.response.headers.get("x-isartor-fallback-from")).toBe("a");
    expect(ups.a.requests.length).toBe(1);
  });

  test("warn: the call goes on with a warning header", async () => {
    const client = await start({ max_requests: 1, action: "warn" });
    await client.chat.completions.create(ask("first"));
    const { data, response } = await client.chat.completions.create(ask("second")).withResponse();
    expect(data.choices[0]!.message.content).toBe("answer from a");
    expect(response.headers.get("x-isartor-quota-warning")).toContain("quota exceeded for provider a: requests this day 1 of 1");
  });

  test("usage already in usage.jsonl today counts at startup; yesterday's does not", async () => {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    const client = await start({ max_requests: 2, action: "block" }, [rec(), rec(), rec({ ts: yesterday }), rec({ ts: yesterday })]);
    const err = await client.chat.completions.create(ask("over already")).catch((e) => e);
    expect(err.status).toBe(429);
    expect(ups.a.requests.length).toBe(0);
  });
});

describe("usage of deflected answers", () => {
  test("a cache hit records the tokens and cost it saved against the primary provider", async () => {
    const a = await startFaultUpstream("a");
    const dir = mkdtempSync(join(tmpdir(), "isartor-saved-"));
    const env = chainEnv([a], {
      ISARTOR__HOST_PORT: "127.0.0.1:0",
      ISARTOR__USAGE__PATH: join(dir, "usage.jsonl"),
      ISARTOR__PROVIDERS: JSON.stringify([{ name: "a", vendor: "custom", base_url: a.url, prices: { "gpt-4o-mini": { input: 1000, output: 2000 } } }]),
    });
    const gateway = await startGateway(loadConfig({ env, cwd: dir, home: dir }).config);
    try {
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused", maxRetries: 0 });
      await client.chat.completions.create(ask("save me"));
      const hit = await client.chat.completions.create(ask("save me")).withResponse();
      expect(hit.response.headers.get("x-isartor-layer")).toBe("l1a");
      const records = await usageRecords(gateway);
      expect(records.map((r) => [r.layer, r.provider, r.saved ?? false])).toEqual([
        ["l3", "a", false],
        ["l1a", "a", true],
      ]);
      const [call, saved] = records;
      // the upstream reported 12 in / 5 out: 12 * 1000 + 5 * 2000 per million tokens
      expect(call!.cost_usd).toBeCloseTo(0.022, 6);
      expect(saved!.output_tokens).toBe(5);
      expect(saved!.cost_usd).toBeGreaterThan(0);
      expect(gateway.services.providers.usage.totals).toMatchObject({ l3_calls: 1, deflected: 1 });
    } finally {
      await gateway.stop();
      await a.stop();
    }
  });
});
