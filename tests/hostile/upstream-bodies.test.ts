// Upstream answers the gateway must refuse rather than pass on or cache: bodies over
// max_upstream_response_bytes (declared, chunked, or streamed), 200s of the wrong shape, and a
// connection reset after the headers. Each is a 502-class upstream failure: retried, fallen back
// from, and never cached.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { startFaultUpstream, type FaultUpstream } from "../helpers/fault-upstream.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { ask, chainEnv } from "../providers/provider-env.ts";

const LIMIT = 64 * 1024;
let a: FaultUpstream;
let b: FaultUpstream;
let gateway: RunningGateway;
let n = 0;
const unique = () => `question ${++n} ${Math.random()}`;

async function chat(body: object) {
  const res = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { res, text: await res.text() };
}

beforeAll(async () => {
  a = await startFaultUpstream("a");
  b = await startFaultUpstream("b");
  gateway = await startTestGateway(chainEnv([a, b], { ISARTOR__MAX_UPSTREAM_RESPONSE_BYTES: String(LIMIT), ISARTOR__RETRY__MAX_RETRIES: "0" }, () => ({ timeout_secs: 10 })), {
    logSink: () => {},
  });
});
afterAll(async () => {
  await gateway.stop();
  await Promise.all([a.stop(), b.stop()]);
});
afterEach(() => {
  a.script = [];
  b.script = [];
  a.otherwise = { kind: "ok" };
  b.otherwise = { kind: "ok" };
});

describe("an upstream answer larger than max_upstream_response_bytes", () => {
  for (const [label, fault] of [
    ["with a Content-Length", { kind: "big", bytes: 4 * LIMIT }],
    ["chunked, no Content-Length", { kind: "big", bytes: 4 * LIMIT, chunked: true }],
  ] as const) {
    test(`${label}: refused with a clear 502 naming the limit, never cached`, async () => {
      a.otherwise = fault;
      b.otherwise = fault;
      const q = ask(unique());
      const first = await chat(q);
      expect(first.res.status).toBe(502);
      expect(first.text).toContain("max_upstream_response_bytes");
      const before = a.requests.length;
      b.otherwise = { kind: "ok" };
      a.otherwise = { kind: "ok" };
      const again = await chat(q);
      expect(again.res.status).toBe(200);
      expect(again.res.headers.get("x-isartor-layer")).toBe("l3");
      expect(a.requests.length).toBe(before + 1);
    });
  }

  test("a too-large answer on the first provider falls back to the next", async () => {
    a.otherwise = { kind: "big", bytes: 4 * LIMIT };
    const { res, text } = await chat(ask(unique()));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-isartor-provider")).toBe("b");
    expect(JSON.parse(text).choices[0].message.content).toBe("answer from b");
  });

  test("a stream counts its bytes: refused once past the limit (before or after its first chunk), and not cached", async () => {
    a.otherwise = { kind: "big", bytes: 8 * LIMIT };
    b.otherwise = { kind: "big", bytes: 8 * LIMIT };
    const q = ask(unique(), { stream: true });
    const { res, text } = await chat(q);
    // past the limit before anything reached the caller: a 502; after: an error event ends the stream
    expect([200, 502]).toContain(res.status);
    expect(text).toContain("max_upstream_response_bytes");
    expect(text.length).toBeLessThan(3 * LIMIT);
    a.otherwise = { kind: "ok" };
    b.otherwise = { kind: "ok" };
    const again = await chat(q);
    expect(again.res.headers.get("x-isartor-layer")).toBe("l3");
    expect(again.text).toContain("chatcmpl-a-");
  });
});

describe("a 200 whose JSON is not a chat completion", () => {
  for (const body of [{}, { status: "ok" }, { choices: [] }, [1, 2], { type: "message", content: [{ type: "text", text: "an Anthropic body" }] }]) {
    test(`${JSON.stringify(body)} is a malformed reply: retried, fallen back from, never cached`, async () => {
      a.otherwise = { kind: "json", body };
      b.script = [{ kind: "json", body }];
      const q = ask(unique());
      const first = await chat(q);
      expect(first.res.status).toBe(502);
      expect(first.text).toContain("malformed");
      // the next attempt gets a real answer: nothing empty was cached in between
      const again = await chat(q);
      expect(again.res.status).toBe(200);
      expect(again.res.headers.get("x-isartor-provider")).toBe("b");
      expect(JSON.parse(again.text).choices[0].message.content).toBe("answer from b");
    });
  }
});

describe("an Anthropic upstream that answers with an OpenAI body", () => {
  let gw: RunningGateway;
  let up: FaultUpstream;
  beforeAll(async () => {
    up = await startFaultUpstream("claude");
    gw = await startTestGateway(
      {
        ISARTOR__PROVIDERS: JSON.stringify([{ name: "claude", vendor: "anthropic", base_url: up.url, api_key: "sk-ant-test-0123456789", model: "claude-x", timeout_secs: 10 }]),
        ISARTOR__CACHE_MODE: "exact",
        ISARTOR__RETRY__MAX_RETRIES: "1",
        ISARTOR__RETRY__BASE_DELAY_MS: "5",
        ISARTOR__PROVIDER_HEALTH_CHECK_INTERVAL_SECS: "0",
      },
      { logSink: () => {} },
    );
  });
  afterAll(async () => {
    await gw.stop();
    await up.stop();
  });

  test("is retried, and the real answer after it is the one returned", async () => {
    const openaiBody = { id: "chatcmpl-1", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: "wrong protocol" }, finish_reason: "stop" }] };
    up.script = [{ kind: "json", body: openaiBody }];
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-x", max_tokens: 50, messages: [{ role: "user", content: unique() }] }),
    });
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(res.headers.get("x-isartor-retries")).toBe("1");
    expect(body.content[0].text).toBe("answer from claude");
  });
});

describe("a non-stream upstream that resets the connection after the headers", () => {
  test("is a 502 upstream error, and the next provider answers", async () => {
    a.otherwise = { kind: "cut", afterChunks: 0 };
    b.script = [{ kind: "cut", afterChunks: 0 }];
    const first = await chat(ask(unique()));
    expect(first.res.status).toBe(502);
    expect(first.text).toContain("upstream");
    expect(first.text).not.toContain("internal");
    const second = await chat(ask(unique()));
    expect(second.res.status).toBe(200);
    expect(second.res.headers.get("x-isartor-provider")).toBe("b");
  });
});
