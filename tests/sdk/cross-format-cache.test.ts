// One cached answer, three SDKs: an entry stored through one format is replayed in the others, streamed or not, tool calls included.
import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { OpenAICompatibleClient } from "../../src/providers/openai-compatible.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";

let upstream: MockUpstream;
let gateway: RunningGateway;
let openai: OpenAI;
let anthropic: Anthropic;
let google: GoogleGenAI;
const schema = { type: "object", properties: { city: { type: "string" } } };

beforeAll(async () => {
  upstream = startMockOpenAI();
  gateway = await startTestGateway(
    { ISARTOR__CACHE_MODE: "exact" },
    { provider: new OpenAICompatibleClient({ name: "openai", baseUrl: upstream.url, apiKey: "sk", timeoutMs: 20_000 }) },
  );
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "k", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: "k", maxRetries: 0 });
  google = new GoogleGenAI({ apiKey: "k", httpOptions: { baseUrl: gateway.url } });
});
afterAll(async () => {
  await gateway.stop();
  upstream.stop();
});

test("a text answer stored via OpenAI is replayed to Anthropic and Gemini clients, streamed", async () => {
  upstream.replies = [{ text: "Shared across formats." }];
  const before = upstream.requests.length;
  const question = "which formats share this?";
  const first = await openai.chat.completions.create({ model: "m-1", max_tokens: 64, messages: [{ role: "user", content: question }] });
  expect(first.choices[0]!.message.content).toBe("Shared across formats.");

  const claude = anthropic.messages.stream({ model: "m-1", max_tokens: 64, messages: [{ role: "user", content: question }] });
  const message = await claude.finalMessage();
  expect(message.content).toMatchObject([{ type: "text", text: "Shared across formats." }]);
  expect(message.id).toStartWith("msg_");

  let text = "";
  for await (const chunk of await google.models.generateContentStream({ model: "m-1", contents: question, config: { maxOutputTokens: 64 } })) text += chunk.text ?? "";
  expect(text).toBe("Shared across formats.");
  expect(upstream.requests.length).toBe(before + 1);
});

test("a tool call stored via Anthropic is replayed to OpenAI and Gemini clients", async () => {
  upstream.replies = [{ toolCalls: [{ id: "call_c1", name: "get_weather", arguments: '{"city":"Bern"}' }] }];
  const before = upstream.requests.length;
  const question = "weather in Bern?";
  const first = await anthropic.messages.create({
    model: "m-1",
    max_tokens: 64,
    messages: [{ role: "user", content: question }],
    tools: [{ name: "get_weather", description: "Weather", input_schema: schema as Anthropic.Tool.InputSchema }],
  });
  expect(first.content).toMatchObject([{ type: "tool_use", id: "call_c1", name: "get_weather", input: { city: "Bern" } }]);

  const stream = await openai.chat.completions.create({
    model: "m-1",
    max_tokens: 64,
    messages: [{ role: "user", content: question }],
    tools: [{ type: "function", function: { name: "get_weather", description: "Weather", parameters: schema } }],
    stream: true,
  });
  let args = "";
  let finish: string | null = null;
  for await (const chunk of stream as AsyncIterable<OpenAI.ChatCompletionChunk>) {
    for (const tc of chunk.choices[0]?.delta.tool_calls ?? []) args += tc.function?.arguments ?? "";
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  expect(args).toBe('{"city":"Bern"}');
  expect(finish).toBe("tool_calls");

  const gem = await google.models.generateContent({
    model: "m-1",
    contents: question,
    config: { maxOutputTokens: 64, tools: [{ functionDeclarations: [{ name: "get_weather", description: "Weather", parametersJsonSchema: schema }] }] },
  });
  expect(gem.functionCalls).toEqual([{ id: "call_c1", name: "get_weather", args: { city: "Bern" } }]);
  expect(upstream.requests.length).toBe(before + 1);
});
