// @google/genai against the gateway: same-format (Gemini upstream) and cross-format (OpenAI upstream).
import { describe, expect, test } from "bun:test";
import { ApiError, FunctionCallingConfigMode, GoogleGenAI, Type } from "@google/genai";
import { GeminiClient } from "../../src/providers/gemini-client.ts";
import { OpenAICompatibleClient } from "../../src/providers/openai-compatible.ts";
import { startMockGemini, type MockGemini } from "../helpers/mock-gemini-upstream.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";
import { gatewayBench } from "./gateway-bench.ts";

const weather = {
  functionDeclarations: [
    {
      name: "get_weather",
      description: "Weather for a city",
      parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } }, required: ["city"] },
    },
  ],
};
const sdk = (url: string) => new GoogleGenAI({ apiKey: "gateway-key", httpOptions: { baseUrl: url } });

describe("same format: @google/genai → gateway → Gemini upstream", () => {
  const bench = gatewayBench({ upstream: () => startMockGemini(), provider: (upstream) => new GeminiClient({ name: "gemini", baseUrl: upstream.url, apiKey: "AIza-upstream", timeoutMs: 20_000 }), client: (url) => sdk(url) });

  test("generateContent forwards the body and returns the upstream answer", async () => {
    bench.upstream.replies = [{ text: "Hallo" }];
    const res = await bench.client.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "say hello in German",
      config: { systemInstruction: "be brief", temperature: 0.2, maxOutputTokens: 50, safetySettings: [] },
    });
    expect(res.text).toBe("Hallo");
    expect(res.usageMetadata?.totalTokenCount).toBe(18);
    const sent = bench.upstream.requests.at(-1)!;
    expect(sent.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(sent.headers.get("x-goog-api-key")).toBe("AIza-upstream");
    expect(sent.body.systemInstruction).toEqual({ parts: [{ text: "be brief" }], role: "user" });
    expect(sent.body.generationConfig).toEqual({ temperature: 0.2, maxOutputTokens: 50 });
  });

  test("function calling: the call and its response survive", async () => {
    bench.upstream.replies = [{ functionCalls: [{ name: "get_weather", args: { city: "Paris" } }] }];
    const first = await bench.client.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "weather in Paris?",
      config: { tools: [weather], toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } } },
    });
    expect(first.functionCalls).toEqual([{ name: "get_weather", args: { city: "Paris" } }]);

    bench.upstream.replies = [{ text: "Sunny in Paris." }];
    const second = await bench.client.models.generateContent({
      model: "gemini-2.5-flash",
      contents: [
        { role: "user", parts: [{ text: "weather in Paris?" }] },
        { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }] },
        { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { forecast: "sunny" } } }] },
      ],
      config: { tools: [weather] },
    });
    expect(second.text).toBe("Sunny in Paris.");
    expect(bench.upstream.requests.at(-1)!.body.contents[2]).toEqual({ role: "user", parts: [{ functionResponse: { name: "get_weather", response: { forecast: "sunny" } } }] });
  });

  test("generateContentStream relays the upstream chunks", async () => {
    bench.upstream.replies = [{ text: "one two three" }];
    const pieces: string[] = [];
    let last: any;
    for await (const chunk of await bench.client.models.generateContentStream({ model: "gemini-2.5-flash", contents: "count" })) {
      pieces.push(chunk.text ?? "");
      last = chunk;
    }
    expect(pieces).toEqual(["one ", "two ", "three"]);
    expect(last.candidates[0].finishReason).toBe("STOP");
    expect(last.usageMetadata.totalTokenCount).toBe(18);
    expect(bench.upstream.requests.at(-1)!.search).toBe("?alt=sse");
  });

  test("a repeated request is served from the cache, also as a stream", async () => {
    bench.upstream.replies = [{ text: "cached gemini answer" }];
    const before = bench.upstream.requests.length;
    const first = await bench.client.models.generateContent({ model: "gemini-2.5-flash", contents: "cache this" });
    const again = await bench.client.models.generateContent({ model: "gemini-2.5-flash", contents: "cache this" });
    let streamed = "";
    for await (const chunk of await bench.client.models.generateContentStream({ model: "gemini-2.5-flash", contents: "cache this" })) streamed += chunk.text ?? "";
    expect(bench.upstream.requests.length).toBe(before + 1);
    expect(first.text).toBe("cached gemini answer");
    expect(again.text).toBe("cached gemini answer");
    expect(streamed).toBe("cached gemini answer");
    expect(again.responseId).not.toBe(first.responseId);
  });

  test("an upstream 429 arrives in Google's error shape", async () => {
    bench.upstream.replies = [{ status: 429, errorBody: { error: { code: 429, message: "Quota exceeded", status: "RESOURCE_EXHAUSTED" } } }];
    const err = await bench.client.models.generateContent({ model: "gemini-2.5-flash", contents: "quota?" }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(429);
    expect(err.message).toContain("RESOURCE_EXHAUSTED");
    expect(err.message).toContain("Quota exceeded");
  });
});

describe("cross format: @google/genai → gateway → OpenAI upstream", () => {
  const bench = gatewayBench({ upstream: () => startMockOpenAI(), provider: (upstream) => new OpenAICompatibleClient({ name: "openai", baseUrl: upstream.url, apiKey: "sk-openai", timeoutMs: 20_000 }), client: (url) => sdk(url) });

  test("generateContent with an image is translated to Chat Completions", async () => {
    bench.upstream.replies = [{ text: "A cat." }];
    const res = await bench.client.models.generateContent({
      model: "gpt-4o-mini",
      contents: [{ role: "user", parts: [{ text: "what is it?" }, { inlineData: { mimeType: "image/jpeg", data: "/9j/4AAQ" } }] }],
      config: { systemInstruction: "answer in two words", maxOutputTokens: 20 },
    });
    expect(res.text).toBe("A cat.");
    expect(res.usageMetadata?.promptTokenCount).toBe(11);
    const sent = bench.upstream.requests.at(-1)!.body;
    expect(sent.model).toBe("gpt-4o-mini");
    expect(sent.max_tokens).toBe(20);
    expect(sent.messages).toEqual([
      { role: "system", content: "answer in two words" },
      { role: "user", content: [{ type: "text", text: "what is it?" }, { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4AAQ" } }] },
    ]);
  });

  test("a streamed tool call arrives as one whole functionCall", async () => {
    bench.upstream.replies = [{ toolCalls: [{ id: "call_5", name: "get_weather", arguments: '{"city":"Rome"}' }] }];
    const calls: unknown[] = [];
    let finish: unknown;
    for await (const chunk of await bench.client.models.generateContentStream({ model: "gpt-4o-mini", contents: "weather in Rome?", config: { tools: [weather] } })) {
      calls.push(...(chunk.functionCalls ?? []));
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
    }
    expect(calls).toEqual([{ id: "call_5", name: "get_weather", args: { city: "Rome" } }]);
    expect(finish).toBe("STOP");
    expect(bench.upstream.requests.at(-1)!.body.tools[0].function.name).toBe("get_weather");
  });

  test("the function response becomes a tool message answering the call", async () => {
    bench.upstream.replies = [{ text: "Rome is warm." }];
    await bench.client.models.generateContent({
      model: "gpt-4o-mini",
      contents: [
        { role: "user", parts: [{ text: "weather in Rome?" }] },
        { role: "model", parts: [{ functionCall: { id: "call_5", name: "get_weather", args: { city: "Rome" } } }] },
        { role: "user", parts: [{ functionResponse: { id: "call_5", name: "get_weather", response: { temp: 30 } } }] },
      ],
      config: { tools: [weather] },
    });
    const sent = bench.upstream.requests.at(-1)!.body.messages;
    expect(sent[1].tool_calls).toEqual([{ id: "call_5", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } }]);
    expect(sent[2]).toEqual({ role: "tool", tool_call_id: "call_5", content: '{"temp":30}' });
  });

  test("an upstream 500 arrives in Google's error shape", async () => {
    bench.upstream.replies = [{ status: 500 }];
    const err = await bench.client.models.generateContent({ model: "gpt-4o-mini", contents: "fail please" }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(500);
    expect(err.message).toContain("INTERNAL");
  });
});
