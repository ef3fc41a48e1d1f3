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

/** final_layer → value of each data point of the metric `name` in an OTLP JSON export */
function byFinalLayer(body: any, name: string, value: (m: any) => { points: any[]; of: (dp: any) => number }): Record<string, number> {
  const out: Record<string, number> = {};
  const metrics = (body.resourceMetrics ?? []).flatMap((rm: any) => (rm.scopeMetrics ?? []).flatMap((sm: any) => sm.metrics ?? []));
  for (const m of metrics.filter((m: any) => m.name === name)) {
    const { points, of } = value(m);
    for (const dp of points) out[dp.attributes.find((a: any) => a.key === "final_layer")?.value.stringValue] = of(dp);
  }
  return out;
}
const requestsTotal = (body: any) => byFinalLayer(body, "isartor_requests_total", (m) => ({ points: m.sum?.dataPoints ?? [], of: (dp) => Number(dp.asInt ?? dp.asDouble) }));
const durationCounts = (body: any) => byFinalLayer(body, "isartor_request_duration_seconds", (m) => ({ points: m.histogram?.dataPoints ?? [], of: (dp) => Number(dp.count) }));

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
