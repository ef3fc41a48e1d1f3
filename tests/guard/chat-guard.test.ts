// L0 through real HTTP: keys, tenants scoping the cache, rate limits, body limits, in each route's own format.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";

const KEY_A = "key-a-0123456789abcdef";
const KEY_B = "key-b-0123456789abcdef";
const LIMITED = "key-limited-0123456789";
const TOKENS = "key-tokens-0123456789a";

let upstream: MockUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  upstream = startMockOpenAI([{ text: "hi there" }]);
  gateway = await startTestGateway(
    {
      ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url,
      ISARTOR__CACHE_MODE: "exact",
      ISARTOR__MAX_JSON_DEPTH: "8",
      ISARTOR__BODY_READ_TIMEOUT_SECS: "1",
      ISARTOR__GATEWAY_KEYS: JSON.stringify([
        { id: "a", key: KEY_A, tenant: "tenant-a" },
        { id: "b", key: KEY_B, tenant: "tenant-b" },
        { id: "limited", key: LIMITED, requests_per_minute: 2 },
        { id: "tokens", key: TOKENS, tokens_per_minute: 50 },
      ]),
    },
    { logSink: () => {} },
  );
});
afterAll(async () => {
  await gateway.stop();
  upstream.stop();
});

const chatBody = (text = "hello") => JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: text }] });
const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

describe("gateway keys", () => {
  test("missing or wrong key: 401 in OpenAI shape, upstream never called", async () => {
    const before = upstream.requests.length;
    const attempts: Record<string, string>[] = [{}, { authorization: `Bearer ${KEY_A}x` }, { "x-api-key": "nope" }];
    for (const headers of attempts) {
      const res = await post("/v1/chat/completions", chatBody(), headers);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { type: string; message: string } };
      expect(body.error.type).toBe("authentication_error");
    }
    expect(upstream.requests.length).toBe(before);
  });

  test("the OpenAI SDK with a valid key gets its answer; with a wrong key an AuthenticationError", async () => {
    const ok = new OpenAI({ apiKey: KEY_A, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const res = await ok.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "sdk hello" }] });
    expect(res.choices[0]!.message.content).toBe("hi there");
    const bad = new OpenAI({ apiKey: "wrong-key", baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const err = await bad.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  test("x-api-key and x-goog-api-key are accepted too", async () => {
    expect((await post("/v1/chat/completions", chatBody("h1"), { "x-api-key": KEY_A })).status).toBe(200);
    expect((await post("/v1/chat/completions", chatBody("h2"), { "x-goog-api-key": KEY_A })).status).toBe(200);
  });

  test("401 on the native route is in the native shape", async () => {
    const res = await post("/api/chat", JSON.stringify({ prompt: "hi" }));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("authentication");
  });

  test("401 on /v1/messages is in Anthropic's shape", async () => {
    const res = await post("/v1/messages", JSON.stringify({ model: "claude", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }));
    expect(res.status).toBe(401);
    const body = (await res.json()) as { type: string; error: { type: string } };
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("authentication_error");
  });

  test("tenants never share cache hits; the same tenant does", async () => {
    const text = `tenant probe ${crypto.randomUUID()}`;
    const first = await post("/v1/chat/completions", chatBody(text), { authorization: `Bearer ${KEY_A}` });
    expect(first.headers.get("x-isartor-layer")).toBe("l3");
    const again = await post("/v1/chat/completions", chatBody(text), { authorization: `Bearer ${KEY_A}` });
    expect(again.headers.get("x-isartor-layer")).toBe("l1a");
    const other = await post("/v1/chat/completions", chatBody(text), { authorization: `Bearer ${KEY_B}` });
    expect(other.headers.get("x-isartor-layer")).toBe("l3");
  });
});

describe("rate limits", () => {
  test("requests per minute: the third request is 429 with Retry-After, in the caller's format", async () => {
    const h = { authorization: `Bearer ${LIMITED}` };
    expect((await post("/v1/chat/completions", chatBody("r1"), h)).status).toBe(200);
    expect((await post("/v1/chat/completions", chatBody("r2"), h)).status).toBe(200);
    const third = await post("/v1/chat/completions", chatBody("r3"), h);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await third.json()) as { error: { type: string } }).error.type).toBe("rate_limit_error");
    const native = await post("/api/chat", JSON.stringify({ prompt: "x" }), h);
    expect(native.status).toBe(429);
    expect(((await native.json()) as { error: { type: string } }).error.type).toBe("rate_limit");
    // another key is unaffected
    expect((await post("/v1/chat/completions", chatBody("r4"), { authorization: `Bearer ${KEY_B}` })).status).toBe(200);
  });

  test("tokens per minute: a prompt beyond the budget is 429", async () => {
    const h = { authorization: `Bearer ${TOKENS}` };
    expect((await post("/v1/chat/completions", chatBody("short"), h)).status).toBe(200);
    const big = await post("/v1/chat/completions", chatBody("word ".repeat(400)), h);
    expect(big.status).toBe(429);
    expect(big.headers.get("retry-after")).not.toBeNull();
  });
});

describe("body limits", () => {
  const h = { authorization: `Bearer ${KEY_A}` };

  test("nesting deeper than max_json_depth is a 400 naming the setting", async () => {
    const deep = { model: "m", messages: [{ role: "user", content: "x" }], metadata: JSON.parse("[".repeat(20) + "]".repeat(20)) };
    const res = await post("/v1/chat/completions", JSON.stringify(deep), h);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("max_json_depth");
  });

  test("a client that stops sending its body gets 408, and the gateway keeps serving", async () => {
    let push!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (push = c) });
    push.enqueue(new TextEncoder().encode('{"model":"m","messages":['));
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", ...h },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(408);
    try {
      push.close();
    } catch {
      // the gateway already closed the connection
    }
    expect((await post("/v1/chat/completions", chatBody("after slow"), h)).status).toBe(200);
  });
});
