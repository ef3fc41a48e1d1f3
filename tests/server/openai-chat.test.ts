// End to end with the official openai SDK: gateway on a random port, mock OpenAI upstream with real SSE.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";

let upstream: MockUpstream;
let gateway: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = startMockOpenAI();
  gateway = await startTestGateway({
    ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url,
    ISARTOR__EXTERNAL_LLM_API_KEY: "sk-upstream-test",
    ISARTOR__CACHE_MODE: "exact",
    // these tests pin what the caller sees from a single upstream attempt
    ISARTOR__RETRY__MAX_RETRIES: "0",
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused", maxRetries: 0 });
});
afterAll(async () => {
  await gateway.stop();
  upstream.stop();
});

const ask = <E extends object = {}>(content: string, extra?: E) => ({ model: "gpt-4o-mini", messages: [{ role: "user" as const, content }], ...(extra as E) });

describe("non-streaming", () => {
  test("goes to L3, then an identical request is answered by L1a", async () => {
    upstream.replies = [{ text: "Paris is the capital." }];
    const before = upstream.requests.length;
    const first = await client.chat.completions.create(ask("capital of France?")).withResponse();
    expect(first.response.headers.get("x-isartor-layer")).toBe("l3");
    expect(first.response.headers.get("x-isartor-deflected")).toBe("false");
    expect(first.response.headers.get("x-isartor-provider")).toBe("openai");
    expect(first.data.choices[0]!.message.content).toBe("Paris is the capital.");
    expect(first.data.usage?.total_tokens).toBe(18);
    expect(upstream.requests.at(-1)!.headers.get("authorization")).toBe("Bearer sk-upstream-test");

    const second = await client.chat.completions.create(ask("capital of France?")).withResponse();
    expect(second.response.headers.get("x-isartor-layer")).toBe("l1a");
    expect(second.response.headers.get("x-isartor-deflected")).toBe("true");
    expect(second.data.choices[0]!.message.content).toBe("Paris is the capital.");
    expect(second.data.id).not.toBe(first.data.id);
    expect(second.data.id).toStartWith("chatcmpl-");
    expect(second.data.model).toBe("gpt-4o-mini");
    expect(second.data.created).toBeGreaterThan(1_700_000_000);
    expect(second.data.usage?.completion_tokens).toBe(7);
    expect(upstream.requests.length).toBe(before + 1);
  });

  test("a different system prompt misses the cache", async () => {
    upstream.replies = [{ text: "A" }];
    await client.chat.completions.create(ask("same question"));
    const other = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "system", content: "be rude" }, { role: "user", content: "same question" }] })
      .withResponse();
    expect(other.response.headers.get("x-isartor-layer")).toBe("l3");
  });

  test("tools and response_format are passed upstream untouched; tool calls come back", async () => {
    upstream.replies = [{ toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }] }];
    const tools = [{ type: "function" as const, function: { name: "get_weather", description: "weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];
    const response_format = { type: "json_schema" as const, json_schema: { name: "x", schema: { type: "object" }, strict: true } };
    const res = await client.chat.completions.create(ask("weather in Paris?", { tools, tool_choice: "auto", response_format }));
    const sent = upstream.requests.at(-1)!.body;
    expect(sent.tools).toEqual(tools);
    expect(sent.response_format).toEqual(response_format);
    expect(sent.tool_choice).toBe("auto");
    expect(res.choices[0]!.finish_reason).toBe("tool_calls");
    expect(res.choices[0]!.message.tool_calls?.[0]).toMatchObject({ id: "call_1", function: { name: "get_weather", arguments: '{"city":"Paris"}' } });
  });

  test("Cache-Control: no-cache and x-isartor-cache: bypass skip the cache; n > 1 is not cached", async () => {
    upstream.replies = [{ text: "fresh" }];
    await client.chat.completions.create(ask("bypass me"));
    const noCache = await client.chat.completions.create(ask("bypass me"), { headers: { "cache-control": "no-cache" } }).withResponse();
    expect(noCache.response.headers.get("x-isartor-layer")).toBe("l3");
    const bypass = await client.chat.completions.create(ask("bypass me"), { headers: { "x-isartor-cache": "bypass" } }).withResponse();
    expect(bypass.response.headers.get("x-isartor-layer")).toBe("l3");

    await client.chat.completions.create(ask("several", { n: 2 }));
    const again = await client.chat.completions.create(ask("several", { n: 2 })).withResponse();
    expect(again.response.headers.get("x-isartor-layer")).toBe("l3");
  });
});

describe("upstream errors", () => {
  for (const status of [429, 500, 503]) {
    test(`${status} is surfaced with its status and not cached`, async () => {
      upstream.replies = [
        { status, errorBody: { error: { message: `boom ${status}`, type: "x" } }, headers: status === 429 ? { "retry-after": "7" } : {} },
        { text: "recovered" },
      ];
      upstream.requests.length = 0;
      const q = ask(`error case ${status}`);
      const err = await client.chat.completions.create(q).catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(err.status).toBe(status);
      expect(err.message).toContain(`boom ${status}`);
      if (status === 429) expect(err.headers.get("retry-after")).toBe("7");
      const ok = await client.chat.completions.create(q).withResponse();
      expect(ok.response.headers.get("x-isartor-layer")).toBe("l3");
      expect(ok.data.choices[0]!.message.content).toBe("recovered");
    });
  }
});

describe("streaming", () => {
  test("stream from L3, then replayed from L1a as valid SSE ending in [DONE]", async () => {
    upstream.replies = [{ text: "one two three" }];
    const q = ask("stream please", { stream: true as const });
    const first = await client.chat.completions.create(q).withResponse();
    expect(first.response.headers.get("x-isartor-layer")).toBe("l3");
    let text = "";
    let finish: string | null = null;
    for await (const chunk of first.data) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe("one two three");
    expect(finish).toBe("stop");

    const raw = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(q) });
    expect(raw.headers.get("x-isartor-layer")).toBe("l1a");
    expect(raw.headers.get("content-type")).toStartWith("text/event-stream");
    const body = await raw.text();
    const frames = body.trim().split("\n\n");
    expect(frames.at(-1)).toBe("data: [DONE]");
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.replace(/^data: /, "")));
    expect(chunks.map((c) => c.choices[0].delta.content ?? "").join("")).toBe("one two three");
    expect(chunks.at(-1).choices[0].finish_reason).toBe("stop");
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0].model).toBe("gpt-4o-mini");
  });

  test("chunks are forwarded as they arrive: the client sees chunk 1 before the upstream sends the rest", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let upstreamSentRest = false;
    upstream.replies = [{ pieces: ["first ", "second ", "third"], holdAfterFirst: gate.then(() => void (upstreamSentRest = true)) }];
    const stream = await client.chat.completions.create(ask("pass-through test", { stream: true as const }));
    const seen: string[] = [];
    let sawFirstBeforeRest = false;
    for await (const chunk of stream) {
      const c = chunk.choices[0]?.delta.content;
      if (c) {
        seen.push(c);
        if (c === "first ") {
          sawFirstBeforeRest = !upstreamSentRest;
          release();
        }
      }
    }
    expect(sawFirstBeforeRest).toBe(true);
    expect(seen.join("")).toBe("first second third");
  });

  test("tool calls stream through and are cached", async () => {
    upstream.replies = [{ toolCalls: [{ id: "call_9", name: "lookup", arguments: '{"q":"x"}' }] }];
    const q = ask("tool stream", { stream: true as const, tools: [{ type: "function" as const, function: { name: "lookup", parameters: { type: "object" } } }] });
    const collect = async () => {
      const s = await client.chat.completions.create(q);
      let args = "";
      let name = "";
      for await (const c of s) {
        const tc = c.choices[0]?.delta.tool_calls?.[0];
        if (tc?.function?.name) name = tc.function.name;
        args += tc?.function?.arguments ?? "";
      }
      return { name, args };
    };
    expect(await collect()).toEqual({ name: "lookup", args: '{"q":"x"}' });
    const before = upstream.requests.length;
    expect(await collect()).toEqual({ name: "lookup", args: '{"q":"x"}' });
    expect(upstream.requests.length).toBe(before);
  });

  test("a stream cut mid-way ends with an error event and is not cached", async () => {
    upstream.replies = [{ pieces: ["partial ", "answer ", "never ends"], cutAfter: 1 }, { text: "complete" }];
    const q = ask("cut stream", { stream: true as const });
    const s = await client.chat.completions.create(q);
    const err = await (async () => {
      for await (const _ of s) {
        // drain
      }
    })().catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    const again = await client.chat.completions.create(q).withResponse();
    expect(again.response.headers.get("x-isartor-layer")).toBe("l3");
  });

  test("an upstream error mid-stream reaches the client as an error, scrubbed of keys, and is not cached", async () => {
    upstream.replies = [{ pieces: ["partial ", "rest"], errorMidStream: "Incorrect API key provided: sk-upstream-test-0123456789abcdef" }, { text: "fine" }];
    const q = ask("mid-stream error", { stream: true });
    const raw = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify(q) });
    const text = await raw.text();
    expect(text).toContain("partial ");
    expect(text).toContain('"error"');
    expect(text).not.toContain("sk-upstream-test-0123456789abcdef");
    expect(text).not.toContain("[DONE]");
    const again = await client.chat.completions.create(q).withResponse();
    expect(again.response.headers.get("x-isartor-layer")).toBe("l3");
  });

  test("client disconnect aborts the upstream request", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    upstream.replies = [{ pieces: ["a ", "b"], holdAfterFirst: gate }];
    const controller = new AbortController();
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ask("disconnect me", { stream: true })),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await Bun.sleep(200);
    expect(gateway.services.inFlight()).toBe(0);
    release();
  });
});
