// The openai SDK through the gateway to native Anthropic and Gemini upstreams: text, images, tools, streaming, errors.
import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { AnthropicClient } from "../../src/providers/anthropic-client.ts";
import { GeminiClient } from "../../src/providers/gemini-client.ts";
import { startMockAnthropic } from "../helpers/mock-anthropic-upstream.ts";
import { startMockGemini } from "../helpers/mock-gemini-upstream.ts";
import { openAIBench } from "./gateway-bench.ts";

const tools: OpenAI.ChatCompletionTool[] = [
  { type: "function", function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } } } } },
];

async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  const texts: string[] = [];
  const calls = new Map<number, { id?: string; name?: string; args: string }>();
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    if (choice.delta.content) texts.push(choice.delta.content);
    for (const tc of choice.delta.tool_calls ?? []) {
      const call = calls.get(tc.index) ?? { args: "" };
      if (tc.id) call.id = tc.id;
      if (tc.function?.name) call.name = tc.function.name;
      call.args += tc.function?.arguments ?? "";
      calls.set(tc.index, call);
    }
    finish = choice.finish_reason ?? finish;
  }
  return { texts, calls: [...calls.values()], finish, usage };
}

describe("openai SDK → Anthropic upstream", () => {
  const bench = openAIBench(startMockAnthropic, (upstream) => new AnthropicClient({ name: "anthropic", baseUrl: upstream.url, apiKey: "sk-ant", timeoutMs: 20_000 }));

  test("system, text and an image URL become an Anthropic request", async () => {
    bench.upstream.replies = [{ text: "A dog." }];
    const res = await bench.client.chat.completions.create({
      model: "claude-haiku-4-5",
      messages: [
        { role: "system", content: "two words" },
        { role: "user", content: [{ type: "text", text: "what is it?" }, { type: "image_url", image_url: { url: "https://example.com/dog.jpg" } }] },
      ],
      temperature: 0.5,
      stop: ["END"],
    });
    expect(res.choices[0]!.message.content).toBe("A dog.");
    expect(res.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 9, total_tokens: 30 });
    expect(bench.upstream.requests.at(-1)!.body).toEqual({
      model: "claude-haiku-4-5",
      max_tokens: 4096,
      system: [{ type: "text", text: "two words" }],
      messages: [{ role: "user", content: [{ type: "text", text: "what is it?" }, { type: "image", source: { type: "url", url: "https://example.com/dog.jpg" } }] }],
      temperature: 0.5,
      stop_sequences: ["END"],
    });
  });

  test("a streamed tool call arrives as OpenAI tool_calls deltas; the tool result goes back as tool_result", async () => {
    bench.upstream.replies = [{ text: "Let me look. ", toolCalls: [{ id: "toolu_7", name: "get_weather", input: { city: "Lima" } }] }];
    const stream = await bench.client.chat.completions.create({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "weather in Lima?" }], tools, stream: true, stream_options: { include_usage: true } });
    const got = await collect(stream as AsyncIterable<OpenAI.ChatCompletionChunk>);
    expect(got.texts.join("")).toBe("Let me look. ");
    expect(got.calls).toEqual([{ id: "toolu_7", name: "get_weather", args: '{"city":"Lima"}' }]);
    expect(got.finish).toBe("tool_calls");
    expect(got.usage?.completion_tokens).toBe(9);
    expect(bench.upstream.requests.at(-1)!.body.tools).toEqual([
      { name: "get_weather", description: "Weather for a city", input_schema: { type: "object", properties: { city: { type: "string" } } } },
    ]);

    bench.upstream.replies = [{ text: "Mild." }];
    await bench.client.chat.completions.create({
      model: "claude-haiku-4-5",
      tools,
      messages: [
        { role: "user", content: "weather in Lima?" },
        { role: "assistant", content: null, tool_calls: [{ id: "toolu_7", type: "function", function: { name: "get_weather", arguments: '{"city":"Lima"}' } }] },
        { role: "tool", tool_call_id: "toolu_7", content: "18C" },
      ],
    });
    expect(bench.upstream.requests.at(-1)!.body.messages.slice(1)).toEqual([
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_7", name: "get_weather", input: { city: "Lima" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_7", content: [{ type: "text", text: "18C" }] }] },
    ]);
  });

  test("Anthropic's overloaded error reaches the OpenAI client as a 529", async () => {
    bench.upstream.replies = [{ status: 529, errorBody: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }];
    const err = await bench.client.chat.completions.create({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "busy?" }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(529);
    expect(err.error.type).toBe("overloaded_error");
  });
});

describe("openai SDK → Gemini upstream", () => {
  const bench = openAIBench(startMockGemini, (upstream) => new GeminiClient({ name: "gemini", baseUrl: upstream.url, apiKey: "AIza", timeoutMs: 20_000 }));

  test("text streams chunk by chunk and the request is a Gemini body", async () => {
    bench.upstream.replies = [{ text: "uno dos tres" }];
    const stream = await bench.client.chat.completions.create({
      model: "gemini-2.5-flash",
      messages: [
        { role: "system", content: "count in Spanish" },
        { role: "user", content: "count to three" },
      ],
      max_tokens: 30,
      stream: true,
    });
    const got = await collect(stream as AsyncIterable<OpenAI.ChatCompletionChunk>);
    expect(got.texts).toEqual(["uno ", "dos ", "tres"]);
    expect(got.finish).toBe("stop");
    const sent = bench.upstream.requests.at(-1)!;
    expect(sent.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    expect(sent.body).toEqual({
      contents: [{ role: "user", parts: [{ text: "count to three" }] }],
      systemInstruction: { parts: [{ text: "count in Spanish" }] },
      generationConfig: { maxOutputTokens: 30 },
    });
  });

  test("a function call gets an id, and the tool result answers it by function name", async () => {
    bench.upstream.replies = [{ functionCalls: [{ name: "get_weather", args: { city: "Quito" } }] }];
    const res = await bench.client.chat.completions.create({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "weather in Quito?" }], tools, tool_choice: { type: "function", function: { name: "get_weather" } } });
    const call = res.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(res.choices[0]!.finish_reason).toBe("tool_calls");
    expect(call.function).toEqual({ name: "get_weather", arguments: '{"city":"Quito"}' });
    expect(call.id.length).toBeGreaterThan(5);
    expect(bench.upstream.requests.at(-1)!.body.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] } });

    bench.upstream.replies = [{ text: "Cool." }];
    await bench.client.chat.completions.create({
      model: "gemini-2.5-flash",
      tools,
      messages: [
        { role: "user", content: "weather in Quito?" },
        { role: "assistant", content: null, tool_calls: [{ id: call.id, type: "function", function: call.function }] },
        { role: "tool", tool_call_id: call.id, content: "12C and cloudy" },
      ],
    });
    expect(bench.upstream.requests.at(-1)!.body.contents.slice(1)).toEqual([
      { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Quito" } } }] },
      { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { output: "12C and cloudy" } } }] },
    ]);
  });

  test("Google's RESOURCE_EXHAUSTED reaches the OpenAI client as a 429 rate_limit_error", async () => {
    bench.upstream.replies = [{ status: 429, errorBody: { error: { code: 429, message: "Resource has been exhausted", status: "RESOURCE_EXHAUSTED" } } }];
    const err = await bench.client.chat.completions.create({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "quota" }] }).catch((e) => e);
    expect(err.status).toBe(429);
    expect(err.error.type).toBe("rate_limit_error");
    expect(err.error.message).toContain("exhausted");
  });
});
