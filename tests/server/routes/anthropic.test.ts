// POST /v1/messages over raw HTTP: byte-for-byte stream relay, chunk-by-chunk forwarding, errors in Anthropic's shape, auth headers.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AnthropicClient } from "../../../src/providers/anthropic-client.ts";
import type { RunningGateway } from "../../../src/server/server.ts";
import { startTestGateway } from "../../helpers/gateway.ts";
import { startMockAnthropic, type MockAnthropic } from "../../helpers/mock-anthropic-upstream.ts";

let upstream: MockAnthropic;
let gateway: RunningGateway;
const GATEWAY_KEY = "isartor-test-key-0123456789";

beforeAll(async () => {
  upstream = startMockAnthropic();
  gateway = await startTestGateway(
    { ISARTOR__CACHE_MODE: "exact", ISARTOR__GATEWAY_API_KEY: GATEWAY_KEY },
    { provider: new AnthropicClient({ name: "anthropic", baseUrl: upstream.url, apiKey: "sk-ant", timeoutMs: 20_000 }) },
  );
});
afterAll(async () => {
  await gateway.stop();
  upstream.stop();
});

const post = (path: string, body: unknown, headers: Record<string, string> = { "x-api-key": GATEWAY_KEY }) =>
  fetch(`${gateway.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const ask = (text: string, extra: object = {}) => ({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: text }], ...extra });

test("a same-format stream reaches the caller byte for byte", async () => {
  upstream.replies = [{ thinking: { text: "hmm", signature: "sig" }, text: "exact bytes please", toolCalls: [{ id: "toolu_b", name: "f", input: { x: [1, 2] } }] }];
  const res = await post("/v1/messages", ask("bytes", { stream: true }));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toStartWith("text/event-stream");
  expect(await res.text()).toBe(upstream.streamed.at(-1)!);
});

test("stream events are forwarded as they arrive, before the upstream has finished", async () => {
  let release!: () => void;
  upstream.replies = [{ text: "first second third", holdAfterFirst: new Promise<void>((r) => (release = r)) }];
  const res = await post("/v1/messages", ask("hold on", { stream: true }));
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  while (!seen.includes("text_delta")) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += decoder.decode(value, { stream: true });
  }
  expect(seen).toContain('"text":"first "');
  expect(seen).not.toContain("message_stop");
  release();
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += decoder.decode(value, { stream: true });
  }
  expect(seen).toContain("message_stop");
});

test("a stream cut before message_stop ends with an error event and is not cached", async () => {
  upstream.replies = [{ text: "almost done", cutBeforeStop: true }];
  const first = await (await post("/v1/messages", ask("cut me", { stream: true }))).text();
  expect(first).toContain("event: error");
  expect(first).not.toContain("event: message_stop");
  upstream.replies = [{ text: "complete this time" }];
  const second = await post("/v1/messages", ask("cut me", { stream: true }));
  expect(second.headers.get("x-isartor-layer")).toBe("l3");
  expect(await second.text()).toContain("event: message_stop");
});

describe("errors in Anthropic's shape", () => {
  test("a body that is not JSON", async () => {
    const res = await post("/v1/messages", "{not json");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ type: "error", error: { type: "invalid_request_error", message: expect.stringContaining("not valid JSON") } });
  });

  test("a missing field is named", async () => {
    const res = await post("/v1/messages", { model: "claude-haiku-4-5", messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe("error");
    expect(body.error.message).toContain("max_tokens");
  });

  test("count_tokens validates too", async () => {
    const res = await post("/v1/messages/count_tokens", { model: "claude-haiku-4-5", messages: "hi" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("messages");
  });

  test("no gateway key: 401 authentication_error", async () => {
    const res = await post("/v1/messages", ask("who am I"), {});
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("authentication_error");
  });

  test("the upstream's 4xx message reaches the caller and the failure is not cached", async () => {
    upstream.replies = [{ status: 400, errorBody: { type: "error", error: { type: "invalid_request_error", message: "prompt is too long" } } }];
    const first = await post("/v1/messages", ask("too long?"));
    expect(first.status).toBe(400);
    expect(((await first.json()) as { error: { message: string } }).error.message).toContain("prompt is too long");
    upstream.replies = [{ text: "now fine" }];
    const second = await post("/v1/messages", ask("too long?"));
    expect(second.status).toBe(200);
    expect(second.headers.get("x-isartor-layer")).toBe("l3");
  });
});

test("the gateway key is accepted as Authorization: Bearer too", async () => {
  upstream.replies = [{ text: "bearer ok" }];
  const res = await post("/v1/messages", ask("bearer"), { authorization: `Bearer ${GATEWAY_KEY}` });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { content: unknown }).content).toEqual([{ type: "text", text: "bearer ok" }]);
});
