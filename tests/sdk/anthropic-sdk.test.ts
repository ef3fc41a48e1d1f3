// @anthropic-ai/sdk against the gateway: same-format (Anthropic upstream) and cross-format (OpenAI upstream).
import { describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { AnthropicClient } from "../../src/providers/anthropic-client.ts";
import { OpenAICompatibleClient } from "../../src/providers/openai-compatible.ts";
import { startMockAnthropic, type MockAnthropic } from "../helpers/mock-anthropic-upstream.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";
import { gatewayBench } from "./gateway-bench.ts";

const weatherTool = {
  name: "get_weather",
  description: "Weather for a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};
const ask = (text: string, extra: object = {}) => ({
  model: "claude-haiku-4-5",
  max_tokens: 256,
  messages: [{ role: "user" as const, content: text }],
  ...extra,
});

describe("same format: Anthropic client → gateway → Anthropic upstream", () => {
  const bench = gatewayBench({ upstream: () => startMockAnthropic(), provider: (upstream) => new AnthropicClient({ name: "anthropic", baseUrl: upstream.url, apiKey: "sk-ant-upstream", timeoutMs: 20_000 }), client: (url) => new Anthropic({ baseURL: url, apiKey: "gateway-key", maxRetries: 0 }) });

  test("messages.create forwards the body unchanged and returns the upstream message", async () => {
    bench.upstream.replies = [{ text: "Bonjour", stopReason: "stop_sequence", stopSequence: "END" }];
    const body = {
      ...ask("say hi"),
      system: [{ type: "text" as const, text: "be brief", cache_control: { type: "ephemeral" as const } }],
      metadata: { user_id: "u-1" },
      stop_sequences: ["END"],
    };
    const { data, response } = await bench.client.messages.create(body).withResponse();
    expect(response.headers.get("x-isartor-layer")).toBe("l3");
    expect(data.content as unknown).toEqual([{ type: "text", text: "Bonjour" }]);
    expect(data.stop_reason).toBe("stop_sequence");
    expect(data.stop_sequence).toBe("END");
    expect(data.usage.input_tokens).toBe(21);
    expect(data.usage.output_tokens).toBe(9);
    const sent = bench.upstream.requests.at(-1)!;
    expect(sent.body).toEqual(body);
    expect(sent.headers.get("x-api-key")).toBe("sk-ant-upstream");
    // the client's own anthropic-version is forwarded (the SDK sends one on every call)
    expect(sent.headers.get("anthropic-version")).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test("tool_use and tool_result survive the round trip", async () => {
    bench.upstream.replies = [{ toolCalls: [{ id: "toolu_1", name: "get_weather", input: { city: "Paris" } }] }];
    const first = await bench.client.messages.create(ask("weather in Paris?", { tools: [weatherTool], tool_choice: { type: "auto" } }));
    expect(first.stop_reason).toBe("tool_use");
    expect(first.content as unknown).toEqual([{ type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } }]);

    bench.upstream.replies = [{ text: "It is sunny." }];
    const followUp = {
      model: "claude-haiku-4-5",
      max_tokens: 256,
      tools: [weatherTool],
      messages: [
        { role: "user" as const, content: "weather in Paris?" },
        { role: "assistant" as const, content: first.content },
        { role: "user" as const, content: [{ type: "tool_result" as const, tool_use_id: "toolu_1", content: "sunny, 24C" }] },
      ],
    };
    const second = await bench.client.messages.create(followUp);
    expect(second.content as unknown).toEqual([{ type: "text", text: "It is sunny." }]);
    expect(bench.upstream.requests.at(-1)!.body.messages[2].content[0]).toEqual({ type: "tool_result", tool_use_id: "toolu_1", content: "sunny, 24C" });
  });

  test("messages.stream relays the upstream events, including a tool call and thinking", async () => {
    bench.upstream.replies = [
      { thinking: { text: "Need the weather.", signature: "sig-abc" }, text: "Checking the weather. ", toolCalls: [{ id: "toolu_2", name: "get_weather", input: { city: "Oslo" } }] },
    ];
    const stream = bench.client.messages.stream(ask("weather in Oslo?", { tools: [weatherTool] }));
    const types: string[] = [];
    stream.on("streamEvent", (e) => types.push(e.type));
    const final = await stream.finalMessage();
    expect(final.content).toMatchObject([
      { type: "thinking", thinking: "Need the weather.", signature: "sig-abc" },
      { type: "text", text: "Checking the weather. " },
      { type: "tool_use", id: "toolu_2", name: "get_weather", input: { city: "Oslo" } },
    ]);
    expect(final.stop_reason).toBe("tool_use");
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
  });

  test("a repeated streamed request is replayed from the cache as a well-formed stream", async () => {
    bench.upstream.replies = [{ text: "cached words here" }];
    const before = bench.upstream.requests.length;
    const first = await bench.client.messages.stream(ask("cache me")).finalMessage();
    const stream = bench.client.messages.stream(ask("cache me"));
    const second = await stream.finalMessage();
    expect(bench.upstream.requests.length).toBe(before + 1);
    expect(second.content.map((b) => (b.type === "text" ? b.text : ""))).toEqual(["cached words here"]);
    expect(second.id).not.toBe(first.id);
    expect(second.id).toStartWith("msg_");
    expect(second.stop_reason).toBe("end_turn");
    expect(second.usage.output_tokens).toBe(9);
  });

  test("count_tokens answers with an estimate", async () => {
    const res = await bench.client.messages.countTokens({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "how many tokens is this sentence?" }] });
    expect(res.input_tokens).toBeGreaterThan(3);
  });

  test("upstream overload reaches the caller as overloaded_error", async () => {
    bench.upstream.replies = [{ status: 529, errorBody: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }];
    const err = await bench.client.messages.create(ask("are you there?")).catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err.status).toBe(529);
    expect(err.error).toEqual({ type: "error", error: { type: "overloaded_error", message: expect.stringContaining("Overloaded") } });
  });

  test("an error event mid-stream is relayed and the stream fails", async () => {
    bench.upstream.replies = [{ text: "partial answer", errorMidStream: { type: "overloaded_error", message: "Overloaded" } }];
    const err = await bench.client.messages.stream(ask("stream then fail")).finalMessage().catch((e) => e);
    expect(String(err.message ?? err)).toContain("Overloaded");
    bench.upstream.replies = [{ text: "fine now" }];
    const again = await bench.client.messages.create(ask("stream then fail", { stream: false }));
    expect(again.content as unknown).toEqual([{ type: "text", text: "fine now" }]);
  });
});

describe("cross format: Anthropic client → gateway → OpenAI upstream", () => {
  const bench = gatewayBench({ upstream: () => startMockOpenAI(), provider: (upstream) => new OpenAICompatibleClient({ name: "openai", baseUrl: upstream.url, apiKey: "sk-openai", timeoutMs: 20_000 }), client: (url) => new Anthropic({ baseURL: url, apiKey: "gateway-key", maxRetries: 0 }) });

  test("text, system and images are translated to Chat Completions", async () => {
    bench.upstream.replies = [{ text: "A red square." }];
    const res = await bench.client.messages.create({
      model: "gpt-4o-mini",
      max_tokens: 100,
      system: "describe images",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "what is this?" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          ],
        },
      ],
    });
    expect(res.content as unknown).toEqual([{ type: "text", text: "A red square." }]);
    expect(res.id).toStartWith("chatcmpl-");
    expect(res.usage as unknown).toEqual({ input_tokens: 11, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 7 });
    const sent = bench.upstream.requests.at(-1)!.body;
    expect(sent.max_tokens).toBe(100);
    expect(sent.messages).toEqual([
      { role: "system", content: "describe images" },
      {
        role: "user",
        content: [
          { type: "text", text: "what is this?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
        ],
      },
    ]);
  });

  test("a streamed tool call arrives as tool_use with input_json_delta", async () => {
    bench.upstream.replies = [{ toolCalls: [{ id: "call_9", name: "get_weather", arguments: '{"city":"Rome"}' }] }];
    const stream = bench.client.messages.stream(ask("weather in Rome?", { model: "gpt-4o-mini", tools: [weatherTool], tool_choice: { type: "any" } }));
    const jsonDeltas: string[] = [];
    stream.on("inputJson", (partial) => jsonDeltas.push(partial));
    const final = await stream.finalMessage();
    expect(final.content).toMatchObject([{ type: "tool_use", id: "call_9", name: "get_weather", input: { city: "Rome" } }]);
    expect(final.stop_reason).toBe("tool_use");
    expect(jsonDeltas.join("")).toBe('{"city":"Rome"}');
    const sent = bench.upstream.requests.at(-1)!.body;
    expect(sent.tool_choice).toBe("required");
    expect(sent.tools[0].function.name).toBe("get_weather");
  });

  test("the tool result travels as a tool message", async () => {
    bench.upstream.replies = [{ text: "Rome is warm." }];
    await bench.client.messages.create({
      model: "gpt-4o-mini",
      max_tokens: 50,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "weather in Rome?" },
        { role: "assistant", content: [{ type: "tool_use", id: "call_9", name: "get_weather", input: { city: "Rome" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_9", content: "warm" }] },
      ],
    });
    const sent = bench.upstream.requests.at(-1)!.body.messages;
    expect(sent[1]).toEqual({ role: "assistant", content: null, tool_calls: [{ id: "call_9", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } }] });
    expect(sent[2]).toEqual({ role: "tool", tool_call_id: "call_9", content: "warm" });
  });

  test("streamed text arrives chunk by chunk as text_delta events", async () => {
    bench.upstream.replies = [{ text: "one two three" }];
    const stream = bench.client.messages.stream(ask("count", { model: "gpt-4o-mini" }));
    const deltas: string[] = [];
    stream.on("text", (t) => deltas.push(t));
    const final = await stream.finalMessage();
    expect(deltas).toEqual(["one ", "two ", "three"]);
    expect(final.usage.output_tokens).toBe(7);
  });

  test("an upstream 429 becomes rate_limit_error in Anthropic's shape", async () => {
    bench.upstream.replies = [{ status: 429, errorBody: { error: { message: "slow down", type: "rate_limit_error" } } }];
    const err = await bench.client.messages.create(ask("hi", { model: "gpt-4o-mini" })).catch((e) => e);
    expect(err.status).toBe(429);
    expect(err.error.type).toBe("error");
    expect(err.error.error.type).toBe("rate_limit_error");
  });
});
