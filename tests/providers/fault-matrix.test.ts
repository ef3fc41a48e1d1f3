// The fault-injection matrix: provider "a" misbehaves, provider "b" is healthy. For every fault, in
// stream and non-stream mode, the OpenAI SDK client must see exactly the documented outcome.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { useFaultPair } from "../helpers/fault-pair.ts";
import type { Fault } from "../helpers/fault-upstream.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { ask, chainEnv, secretOf, usageRecords } from "./provider-env.ts";

const ups = useFaultPair();
let gateway: RunningGateway;
let client: OpenAI;
let n = 0;
const unique = (label: string) => `${label} #${++n} ${crypto.randomUUID()}`;

// a fresh gateway per test: key cooldowns and cache entries of one case must not steer the next
beforeEach(async () => {
  gateway = await startTestGateway(chainEnv([ups.a, ups.b]));
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused", maxRetries: 0, timeout: 20_000 });
  ups.reset();
});
afterEach(async () => {
  await gateway.stop();
});

async function streamText(question: string) {
  const { data: stream, response } = await client.chat.completions.create({ ...ask(question), stream: true }).withResponse();
  let text = "";
  for await (const c of stream) text += c.choices[0]?.delta?.content ?? "";
  return { text, headers: response.headers };
}

async function completeText(question: string) {
  const { data, response } = await client.chat.completions.create(ask(question)).withResponse();
  return { text: data.choices[0]!.message.content, headers: response.headers };
}

/** faults that are retried once on "a" and then fall back to "b" */
const RETRIED: [string, Fault][] = [
  ["429 without Retry-After", { kind: "status", status: 429 }],
  ["429 with Retry-After: 1", { kind: "status", status: 429, retryAfter: "1" }],
  ["500", { kind: "status", status: 500 }],
  ["503", { kind: "status", status: 503 }],
  ["529 overloaded", { kind: "status", status: 529 }],
  ["timeout (no answer at all)", { kind: "hang" }],
  ["connection reset", { kind: "reset" }],
  ["malformed JSON", { kind: "malformed" }],
  ["slow first byte", { kind: "slow_first_byte", delayMs: 5000 }],
];

for (const mode of ["non-stream", "stream"] as const) {
  describe(`${mode}: a failing provider falls back to the next`, () => {
    const call = mode === "stream" ? streamText : completeText;

    for (const [label, fault] of RETRIED) {
      test(`${label}: one retry on a, then b answers; usage records both`, async () => {
        ups.a.otherwise = fault;
        const q = unique(label);
        const { text, headers } = await call(q);
        expect(text).toBe("answer from b");
        expect(headers.get("x-isartor-provider")).toBe("b");
        expect(headers.get("x-isartor-layer")).toBe("l3");
        expect(headers.get("x-isartor-retries")).toBe("1");
        expect(headers.get("x-isartor-fallback-from")).toBe("a");
        expect(ups.a.requests.length).toBe(2);
        expect(ups.b.requests.length).toBe(1);

        const records = (await usageRecords(gateway)).filter((r) => r.request_id === headers.get("x-request-id"));
        expect(records.map((r) => [r.provider, r.status])).toEqual([
          ["a", "error"],
          ["a", "error"],
          ["b", "ok"],
        ]);
        expect(records[2]!.key_id).toBe("b#1");
        expect(records[2]!.input_tokens + records[2]!.output_tokens).toBeGreaterThan(0);

        // the fallback answer is a complete answer: it is cached like any other
        const again = await call(q);
        expect(again.text).toBe("answer from b");
        expect(again.headers.get("x-isartor-layer")).toBe("l1a");
        expect(ups.a.requests.length + ups.b.requests.length).toBe(3);
      });
    }

    test("Retry-After longer than retry.max_delay_ms: no retry, straight to b", async () => {
      ups.a.otherwise = { kind: "status", status: 429, retryAfter: "120" };
      const { text, headers } = await call(unique("long retry-after"));
      expect(text).toBe("answer from b");
      expect(ups.a.requests.length).toBe(1);
      expect(headers.get("x-isartor-retries")).toBeNull();
    });

    test("404 (no such model on a): no retry there, b is asked at once", async () => {
      ups.a.otherwise = { kind: "status", status: 404, message: "model not found" };
      const { text, headers } = await call(unique("not here"));
      expect(text).toBe("answer from b");
      expect(ups.a.requests.length).toBe(1);
      expect(headers.get("x-isartor-retries")).toBeNull();
      expect(headers.get("x-isartor-fallback-from")).toBe("a");
    });

    test("400 is the caller's mistake: no retry, no fallback, the 400 reaches the caller", async () => {
      ups.a.otherwise = { kind: "status", status: 400, message: "max_tokens is too large" };
      const err = await call(unique("bad request")).catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err.status).toBe(400);
      expect(err.message).toContain("max_tokens is too large");
      expect(ups.a.requests.length).toBe(1);
      expect(ups.b.requests.length).toBe(0);
    });

    test("every provider failing: the last error reaches the caller naming each, and nothing is cached", async () => {
      ups.a.otherwise = { kind: "status", status: 503 };
      ups.b.otherwise = { kind: "status", status: 502 };
      const q = unique("all down");
      const err = await call(q).catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(err.status).toBe(502);
      expect(err.message).toContain("all providers failed");
      expect(err.message).toContain("a: upstream a returned 503");
      expect(err.message).toContain("b: upstream b returned 502");
      expect(ups.a.requests.length).toBe(2);
      expect(ups.b.requests.length).toBe(2);

      ups.a.otherwise = { kind: "ok" };
      const { text, headers } = await call(q);
      expect(text).toBe("answer from a");
      expect(headers.get("x-isartor-layer")).toBe("l3");
    });
  });
}

describe("stream: failures after the first byte", () => {
  test("SSE cut mid-stream: the caller gets the partial text, then an error event; nothing is cached", async () => {
    ups.a.otherwise = { kind: "cut", afterChunks: 2, text: "one two three four" };
    const q = unique("cut");
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...ask(q), stream: true }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-isartor-provider")).toBe("a");
    const frames = (await res.text()).split("\n\n").filter(Boolean);
    const payloads = frames.map((f) => f.replace(/^data: /, ""));
    expect(payloads.at(-1)).not.toBe("[DONE]");
    const last = JSON.parse(payloads.at(-1)!);
    expect(last.error.message).toContain("stream");
    const text = payloads
      .slice(0, -1)
      .map((p) => JSON.parse(p).choices?.[0]?.delta?.content ?? "")
      .join("");
    expect(text).toBe("one two ");
    expect(ups.b.requests.length).toBe(0);

    // through the SDK the same stream fails, and a retry of the question is not served from cache
    ups.a.otherwise = { kind: "ok" };
    const { headers } = await streamText(q);
    expect(headers.get("x-isartor-layer")).toBe("l3");
    const records = (await usageRecords(gateway)).filter((r) => r.provider === "a" && r.stream);
    expect(records.some((r) => r.status === "error" && /stream/.test(r.error ?? ""))).toBe(true);
  });

  test("non-stream cut mid-body is retried and falls back like any malformed answer", async () => {
    ups.a.otherwise = { kind: "cut", afterChunks: 0 };
    const { text, headers } = await completeText(unique("cut body"));
    expect(text).toBe("answer from b");
    expect(headers.get("x-isartor-retries")).toBe("1");
  });
});

describe("what never leaves the gateway", () => {
  test("upstream keys are sent upstream but never written to the usage log or /health", async () => {
    await completeText(unique("key check"));
    expect(ups.a.requests[0]!.headers.authorization).toBe(`Bearer ${secretOf("a")}`);
    await gateway.services.providers.usage.flush();
    const log = await Bun.file(gateway.services.providers.usage.path).text();
    const health = await (await fetch(`${gateway.url}/health`)).text();
    for (const secret of [secretOf("a"), secretOf("b")]) {
      expect(log).not.toContain(secret);
      expect(health).not.toContain(secret);
    }
    expect(log).toContain('"key_id":"a#1"');
  });
});
