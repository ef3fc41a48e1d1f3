// The per-request stderr line: at debug normally (the request log file has every request), at info
// with monitoring on (seed 003 greps the final layer from it).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";

let upstream: MockUpstream;
beforeAll(async () => {
  upstream = startMockOpenAI();
});
afterAll(() => upstream.stop());

async function requestLines(env: Record<string, string>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const gw = await startTestGateway({ ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url, ISARTOR__CACHE_MODE: "exact", ...env }, { logSink: (l) => lines.push(l) });
  try {
    upstream.replies = [{ text: "hi" }];
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "level?" }] }) });
    expect(res.status).toBe(200);
    await res.text();
  } finally {
    await gw.stop();
  }
  return lines.map((l) => JSON.parse(l)).filter((r) => r.msg === "request");
}

test("at info with monitoring off, no line per request", async () => {
  expect(await requestLines({ ISARTOR__LOG_LEVEL: "info" })).toEqual([]);
});

test("at debug, one line per request", async () => {
  const lines = await requestLines({ ISARTOR__LOG_LEVEL: "debug" });
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ level: "debug", path: "/v1/chat/completions", status: 200, layer: "l3" });
});

test("at info with monitoring on, one line per request with the final layer", async () => {
  const lines = await requestLines({ ISARTOR__LOG_LEVEL: "info", ISARTOR__ENABLE_MONITORING: "true", ISARTOR__OTEL_EXPORTER_ENDPOINT: "" });
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ level: "info", isartor: { final_layer: "L3_Cloud" } });
});
