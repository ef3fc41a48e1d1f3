// GET /metrics end to end: real gateway, mock OpenAI upstream, exposition read by a Prometheus
// text-format parser; counts move per layer as requests flow, and seed 003's PromQL holds.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RunningGateway } from "../../../src/server/server.ts";
import { startTestGateway } from "../../helpers/gateway.ts";
import type { MockUpstream } from "../../helpers/mock-openai-upstream.ts";
import { postChat, startMockedGateway } from "../../helpers/mocked-gateway.ts";
import { histogramCount, scrape, total, type Family } from "../../helpers/prometheus.ts";

const GATEWAY_KEY = "gw-metrics-key-123456";
const auth = { authorization: `Bearer ${GATEWAY_KEY}` };

let upstream: MockUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  ({ upstream, gateway } = await startMockedGateway({
    answer: "Paris is the capital.",
    gatewayKey: GATEWAY_KEY,
    providerKey: "sk-upstream-metrics-test-000000",
    env: { ISARTOR__RETRY__MAX_RETRIES: "1", ISARTOR__RETRY__BASE_DELAY_MS: "1" },
  }));
});
afterAll(async () => {
  await gateway.stop();
  upstream.stop();
});

const chat = (content: string, headers: Record<string, string> = auth) => postChat(gateway, content, headers);

const metrics = () => scrape(`${gateway.url}/metrics`, auth);

describe("GET /metrics", () => {
  test("needs the gateway key on the main port", async () => {
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${gateway.url}/metrics`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/plain; version=0.0.4");
  });

  test("exposes the seed's names exactly, with the declared types", async () => {
    // a miss then a hit, so every counter has a series
    await (await chat("warm-up names")).text();
    await (await chat("warm-up names")).text();
    const { text, families } = await metrics();
    const type = (name: string) => families.find((f) => f.name === name)?.type;
    expect(type("isartor_requests_total")).toBe("COUNTER");
    expect(type("isartor_request_duration_seconds")).toBe("HISTOGRAM");
    expect(type("isartor_layer_duration_seconds")).toBe("HISTOGRAM");
    expect(type("isartor_tokens_saved_total")).toBe("COUNTER");
    expect(type("isartor_cache_events_total")).toBe("COUNTER");
    expect(type("isartor_retries_total")).toBe("COUNTER");
    expect(type("isartor_fallbacks_total")).toBe("COUNTER");
    expect(type("isartor_provider_up")).toBe("GAUGE");
    expect(type("isartor_aimd_limit")).toBe("GAUGE");
    // the serializer must not have added a second suffix or a unit
    expect(text).not.toContain("_total_total");
    expect(text).not.toMatch(/_seconds_seconds|duration_seconds_s\b/);
    // bucket lines PromQL's histogram_quantile reads
    expect(text).toMatch(/^isartor_request_duration_seconds_bucket\{.*le="\+Inf"\} \d+$/m);
    expect(text).toMatch(/^isartor_layer_duration_seconds_bucket\{layer_name="L1a_ExactCache",le="0\.001"\} \d+$/m);
    expect(total(families, "isartor_provider_up", { provider: "openai" })).toBe(1);
  });

  test("counts move per layer: an L3 request, then L1a hits", async () => {
    const scrapedBefore = await metrics();
    const before = scrapedBefore.families;
    upstream.replies = [{ text: "An answer worth caching." }];
    const first = await chat("what moves the counters?");
    expect(first.headers.get("x-isartor-layer")).toBe("l3");
    await first.text();
    for (let i = 0; i < 3; i++) {
      const hit = await chat("what moves the counters?");
      expect(hit.headers.get("x-isartor-layer")).toBe("l1a");
      await hit.text();
    }
    const scrapedAfter = await metrics();
    const after = scrapedAfter.families;
    const delta = (name: string, labels: Record<string, string>) => total(after, name, labels) - total(before, name, labels);
    expect(delta("isartor_requests_total", { final_layer: "L3_Cloud", http_status: "200" })).toBe(1);
    expect(delta("isartor_requests_total", { final_layer: "L1a_ExactCache", http_status: "200" })).toBe(3);
    expect(delta("isartor_cache_events_total", { cache: "exact", event: "miss" })).toBe(1);
    expect(delta("isartor_cache_events_total", { cache: "exact", event: "hit" })).toBe(3);
    expect(delta("isartor_cache_events_total", { cache: "exact", event: "store" })).toBe(1);
    // the mock reports 11 + 7 tokens; each hit saved what the upstream call cost
    expect(delta("isartor_tokens_saved_total", { final_layer: "L1a_ExactCache" })).toBe(3 * 18);
    const hDelta = (name: string, labels: Record<string, string>) => histogramCount(scrapedAfter.text, name, labels) - histogramCount(scrapedBefore.text, name, labels);
    expect(hDelta("isartor_request_duration_seconds", { final_layer: "L1a_ExactCache" })).toBe(3);
    expect(hDelta("isartor_layer_duration_seconds", { layer_name: "L1a_ExactCache" })).toBe(4);
    expect(hDelta("isartor_layer_duration_seconds", { layer_name: "L3_Cloud" })).toBe(1);
    expect(total(after, "isartor_cache_entries", { cache: "exact" })).toBeGreaterThanOrEqual(1);
  });

  test("seed 003's deflection rate, evaluated on two scrapes, matches the scripted workload", async () => {
    const before = (await metrics()).families;
    // 3 distinct questions, each asked 4 times: 3 reach L3, 9 are exact-cache hits
    for (const q of ["deflect one", "deflect two", "deflect three"]) {
      for (let i = 0; i < 4; i++) await (await chat(q)).text();
    }
    const after = (await metrics()).families;
    // increase(x[window]) over a window holding exactly this workload = after - before
    const increase = (f: (fam: Family[]) => number) => f(after) - f(before);
    const l3 = increase((f) => total(f, "isartor_requests_total", { final_layer: "L3_Cloud" }));
    const all = increase((f) => total(f, "isartor_requests_total"));
    const exact = increase((f) => total(f, "isartor_requests_total", { final_layer: "L1a_ExactCache" }));
    // 1 - (sum(increase(isartor_requests_total{final_layer="L3_Cloud"}[1h])) / sum(increase(isartor_requests_total[1h])))
    expect(1 - l3 / all).toBeCloseTo(9 / 12, 10);
    // sum(increase(isartor_requests_total{final_layer="L1a_ExactCache"}[1h])) / sum(increase(isartor_requests_total[1h]))
    expect(exact / all).toBeCloseTo(9 / 12, 10);
    // sum by (final_layer) (...): every request landed in exactly one series
    expect(l3 + exact).toBe(all);
  });

  test("L0 refusals, 404s and upstream errors are counted; retries too", async () => {
    const before = (await metrics()).families;
    expect((await chat("no key", {})).status).toBe(401);
    expect((await fetch(`${gateway.url}/v1/nope`, { headers: auth })).status).toBe(404);
    upstream.replies = [{ status: 500 }, { text: "recovered after one retry" }];
    const retried = await chat("retry me once");
    expect(retried.status).toBe(200);
    await retried.text();
    upstream.replies = [{ status: 500 }];
    const failed = await chat("fail me");
    expect(failed.status).toBe(500);
    await failed.text();
    const after = (await metrics()).families;
    const delta = (name: string, labels: Record<string, string> = {}) => total(after, name, labels) - total(before, name, labels);
    expect(delta("isartor_requests_total", { final_layer: "L0_Guard", http_status: "401" })).toBe(1);
    expect(delta("isartor_requests_total", { final_layer: "L0_Guard", http_status: "404" })).toBe(1);
    expect(delta("isartor_requests_total", { final_layer: "L3_Cloud", http_status: "500" })).toBe(1);
    expect(delta("isartor_errors_total", { layer_name: "L3_Cloud" })).toBe(1);
    // one retry for "retry me once", one for "fail me" (max_retries 1)
    expect(delta("isartor_retries_total")).toBe(2);
    // seed 003's error-rate numerator sees the 5xx
    const fivexx = (f: Family[]) =>
      (f.find((x) => x.name === "isartor_requests_total")?.metrics ?? []).filter((s) => /^5..$/.test(s.labels?.http_status ?? "")).reduce((n, s) => n + Number(s.value), 0);
    expect(fivexx(after) - fivexx(before)).toBe(1);
  });
});

describe("metrics.listen", () => {
  test("serves /metrics on its own address without a key, and not on the main port", async () => {
    const gw = await startTestGateway({ ISARTOR__GATEWAY_API_KEY: GATEWAY_KEY, ISARTOR__METRICS__LISTEN: "127.0.0.1:0", ISARTOR__CACHE_MODE: "exact" });
    try {
      expect(gw.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect((await fetch(`${gw.url}/metrics`, { headers: auth })).status).toBe(404);
      const { families } = await scrape(gw.metricsUrl!);
      expect(families.some((f) => f.name === "isartor_requests_total")).toBe(true);
      expect((await fetch(gw.metricsUrl!.replace("/metrics", "/health"))).status).toBe(404);
    } finally {
      await gw.stop();
    }
  });

  test("metrics.enabled = false: no /metrics at all", async () => {
    const gw = await startTestGateway({ ISARTOR__METRICS__ENABLED: "false", ISARTOR__CACHE_MODE: "exact" });
    try {
      expect((await fetch(`${gw.url}/metrics`)).status).toBe(404);
      expect(gw.services.telemetry.metrics.enabled).toBe(false);
    } finally {
      await gw.stop();
    }
  });
});
