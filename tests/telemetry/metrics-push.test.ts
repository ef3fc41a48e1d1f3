// OTLP metrics push (monitoring on with an endpoint): the request counters, summed off the request
// path, reach the collector in the export that follows the requests.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";

let upstream: MockUpstream;
const exports: any[] = [];
let collector: ReturnType<typeof Bun.serve>;

beforeAll(() => {
  upstream = startMockOpenAI([{ text: "pushed" }]);
  collector = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const path = new URL(req.url).pathname;
      const text = await req.text();
      if (path === "/v1/metrics") exports.push(JSON.parse(text));
      return Response.json({});
    },
  });
});
afterAll(() => {
  upstream.stop();
  collector.stop(true);
});

function requestsTotal(body: any): Record<string, number> {
  const out: Record<string, number> = {};
  for (const rm of body.resourceMetrics ?? [])
    for (const sm of rm.scopeMetrics ?? [])
      for (const m of sm.metrics ?? []) {
        if (m.name !== "isartor_requests_total") continue;
        for (const dp of m.sum?.dataPoints ?? []) {
          const layer = dp.attributes.find((a: any) => a.key === "final_layer")?.value.stringValue;
          out[layer] = Number(dp.asInt ?? dp.asDouble);
        }
      }
  return out;
}

function durationCounts(body: any): Record<string, number> {
  const out: Record<string, number> = {};
  for (const rm of body.resourceMetrics ?? [])
    for (const sm of rm.scopeMetrics ?? [])
      for (const m of sm.metrics ?? []) {
        if (m.name !== "isartor_request_duration_seconds") continue;
        for (const dp of m.histogram?.dataPoints ?? []) out[dp.attributes.find((a: any) => a.key === "final_layer")?.value.stringValue] = Number(dp.count);
      }
  return out;
}

test("isartor_requests_total and the duration histogram reach the OTLP collector with every request counted", async () => {
  const gw = await startTestGateway({
    ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url,
    ISARTOR__CACHE_MODE: "exact",
    ISARTOR__ENABLE_MONITORING: "true",
    ISARTOR__OTEL_EXPORTER_ENDPOINT: `http://127.0.0.1:${collector.port}`,
    ISARTOR__METRICS__EXPORT_INTERVAL_SECS: "1",
  });
  try {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "push me" }] }) });
      expect(res.status).toBe(200);
      await res.text();
    }
    const deadline = Date.now() + 20_000;
    let seen: Record<string, number> = {};
    while (Date.now() < deadline) {
      seen = exports.length ? requestsTotal(exports.at(-1)) : {};
      if (seen.L1a_ExactCache === 2) break;
      await Bun.sleep(200);
    }
    expect(seen).toMatchObject({ L3_Cloud: 1, L1a_ExactCache: 2 });
    expect(durationCounts(exports.at(-1))).toMatchObject({ L3_Cloud: 1, L1a_ExactCache: 2 });
  } finally {
    await gw.stop();
  }
}, 40_000);
