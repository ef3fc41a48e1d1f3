// Client mistakes get a clear 4xx JSON error that names the field; never a 500, never a crash.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";

let upstream: MockUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  upstream = startMockOpenAI();
  gateway = await startTestGateway({
    ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url,
    ISARTOR__MAX_BODY_BYTES: "4096",
  });
});
afterAll(async () => {
  await gateway.stop();
  upstream.stop();
});

const post = (path: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: body as BodyInit });

async function expectError(res: Response, status: number, param?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/json");
  const body = (await res.json()) as { error: { message: string; type: string; param: string | null } };
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(5);
  if (param !== undefined) expect(body.error.param).toBe(param);
  return body;
}

describe("POST /v1/chat/completions", () => {
  const cases: [string, string, string][] = [
    ["invalid JSON", "{not json", "body"],
    ["empty body", "", "body"],
    ["JSON array body", "[]", "body"],
    ["missing messages", JSON.stringify({ model: "m" }), "messages"],
    ["empty messages", JSON.stringify({ messages: [] }), "messages"],
    ["messages not an array", JSON.stringify({ messages: "hi" }), "messages"],
    ["message not an object", JSON.stringify({ messages: [42] }), "messages[0]"],
    ["unknown role", JSON.stringify({ messages: [{ role: "wizard", content: "x" }] }), "messages[0].role"],
    ["content wrong type", JSON.stringify({ messages: [{ role: "user", content: 5 }] }), "messages[0].content"],
    ["empty user content", JSON.stringify({ messages: [{ role: "user", content: "" }] }), "messages[0].content"],
    ["only system messages", JSON.stringify({ messages: [{ role: "system", content: "x" }] }), "messages"],
    ["model wrong type", JSON.stringify({ model: 3, messages: [{ role: "user", content: "x" }] }), "model"],
    ["temperature out of range", JSON.stringify({ temperature: 9, messages: [{ role: "user", content: "x" }] }), "temperature"],
    ["negative max_tokens", JSON.stringify({ max_tokens: -1, messages: [{ role: "user", content: "x" }] }), "max_tokens"],
    ["stream not boolean", JSON.stringify({ stream: "yes", messages: [{ role: "user", content: "x" }] }), "stream"],
    ["tools not array", JSON.stringify({ tools: {}, messages: [{ role: "user", content: "x" }] }), "tools"],
    ["tool without name", JSON.stringify({ tools: [{ type: "function", function: {} }], messages: [{ role: "user", content: "x" }] }), "tools[0].function.name"],
    ["tool message without id", JSON.stringify({ messages: [{ role: "tool", content: "x" }] }), "messages[0].tool_call_id"],
  ];
  for (const [name, body, param] of cases) {
    test(`${name} → 400 naming '${param}'`, async () => {
      await expectError(await post("/v1/chat/completions", body), 400, param);
    });
  }

  test("invalid UTF-8 → 400", async () => {
    await expectError(await post("/v1/chat/completions", new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])), 400, "body");
  });

  test("body over the limit → 413", async () => {
    const big = JSON.stringify({ messages: [{ role: "user", content: "x".repeat(10_000) }] });
    const body = await expectError(await post("/v1/chat/completions", big), 413);
    expect(body.error.message).toContain("4096");
  });

  test("nothing bad was sent upstream and nothing was cached", async () => {
    expect(upstream.requests.length).toBe(0);
  });
});

describe("POST /api/chat (native)", () => {
  test("missing prompt → 400", async () => {
    const res = await post("/api/chat", JSON.stringify({ model: "x" }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toContain("prompt");
  });

  test("answers {layer, message, model}", async () => {
    upstream.replies = [{ text: "native answer" }];
    const res = await post("/api/chat", JSON.stringify({ prompt: "hello native" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ layer: "l3", message: "native answer", model: "gpt-4o-mini" });
    const again = await post("/api/chat", JSON.stringify({ prompt: "hello native" }));
    expect(((await again.json()) as any).layer).toBe("l1a");
  });
});

describe("other routes", () => {
  test("unknown route → 404 JSON", async () => {
    const res = await fetch(`${gateway.url}/v1/nothing-here`);
    await expectError(res, 404);
  });

  test("/health, /healthz, /readyz", async () => {
    const health = (await (await fetch(`${gateway.url}/health`)).json()) as any;
    expect(health.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(health.layers).toContain("l1a");
    expect(health.provider.configured).toBe(true);
    expect(typeof health.uptime_secs).toBe("number");
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
  });
});

describe("no provider configured", () => {
  test("cache misses answer 503 naming the setting to provide", async () => {
    const bare = await startTestGateway({}, { provider: null });
    try {
      const res = await fetch(`${bare.url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ messages: [{ role: "user", content: "hi" }] }),
      });
      const body = await expectError(res, 503);
      expect(body.error.message).toContain("ISARTOR__EXTERNAL_LLM_API_KEY");
      const health = (await (await fetch(`${bare.url}/health`)).json()) as any;
      expect(health.provider.configured).toBe(false);
    } finally {
      await bare.stop();
    }
  });
});
