// Keys never leave: not in the request log, not in error bodies — even when the upstream echoes one.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";

const PROVIDER_KEY = "sk-test-provider-0123456789abcdefXYZ";
const GATEWAY_KEY = "gw-secret-0123456789abcdef";
let upstream: MockUpstream;
let gateway: RunningGateway;
const lines: string[] = [];

beforeAll(async () => {
  upstream = startMockOpenAI([
    { status: 401, errorBody: { error: { message: `Incorrect API key provided: ${PROVIDER_KEY}`, type: "invalid_request_error", code: "invalid_api_key" } } },
    { text: "fine" },
  ]);
  gateway = await startTestGateway(
    {
      ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url,
      ISARTOR__EXTERNAL_LLM_API_KEY: PROVIDER_KEY,
      ISARTOR__GATEWAY_API_KEY: GATEWAY_KEY,
      ISARTOR__CACHE_MODE: "exact",
      ISARTOR__LOG_LEVEL: "debug",
    },
    { logSink: (l) => lines.push(l) },
  );
});
afterAll(async () => {
  await gateway.stop();
  upstream.stop();
});

const ask = (key: string, text: string) =>
  fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: text }] }),
  });

test("an upstream error that echoes the provider key reaches the caller without it", async () => {
  const res = await ask(GATEWAY_KEY, "first");
  expect(res.status).toBeGreaterThanOrEqual(400);
  const text = await res.text();
  expect(text).not.toContain(PROVIDER_KEY);
  expect(text).not.toContain(PROVIDER_KEY.slice(0, 20));
});

test("a wrong gateway key is not echoed back, and the request log carries ids, never keys", async () => {
  const wrong = `${GATEWAY_KEY}-but-wrong`;
  const res = await ask(wrong, "second");
  expect(res.status).toBe(401);
  expect(await res.text()).not.toContain(wrong);
  const requestLines = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "request" || l.msg === "request refused");
  expect(requestLines.length).toBeGreaterThanOrEqual(2);
  expect(requestLines.some((l) => l.key_id === "default" && l.path === "/v1/chat/completions")).toBe(true);
  expect(requestLines.some((l) => l.status === 401)).toBe(true);
  for (const line of lines) {
    expect(line).not.toContain(GATEWAY_KEY);
    expect(line).not.toContain(PROVIDER_KEY);
  }
});
