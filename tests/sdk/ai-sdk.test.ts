// The Vercel AI SDK (`ai` with @ai-sdk/openai and @ai-sdk/anthropic) through the gateway, with only the
// base URL changed: its default openai(…) (Responses API), openai.chat(…) (Chat Completions) and
// anthropic(…) (Messages) each complete a plain prompt, a stream, a tool loop and a cache-hit replay.
import { describe, expect, test } from "bun:test";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { generateText, jsonSchema, stepCountIs, streamText, tool, type LanguageModel } from "ai";
import { gatewayBench } from "./gateway-bench.ts";
import { anthropicUpstream, chatCompletionsUpstream, expectToolLoopUpstream, geminiUpstream, responsesUpstream, type ScriptedUpstream } from "./upstreams.ts";

const weather = tool({
  description: "Weather for a city",
  inputSchema: jsonSchema<{ city: string }>({ type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false }),
  execute: async ({ city }) => ({ city, tempC: city === "Lima" ? 24 : 11 }),
});

interface Setup {
  name: string;
  upstream: () => ScriptedUpstream;
  model: (gatewayUrl: string) => LanguageModel;
}

const setups: Setup[] = [
  { name: "openai(…) (Responses API) → Chat Completions upstream", upstream: chatCompletionsUpstream, model: (url) => createOpenAI({ baseURL: `${url}/v1`, apiKey: "k" })("gpt-4o-mini") },
  { name: "openai(…) (Responses API) → Responses upstream", upstream: responsesUpstream, model: (url) => createOpenAI({ baseURL: `${url}/v1`, apiKey: "k" })("gpt-5-mini") },
  { name: "openai.chat(…) → Chat Completions upstream", upstream: chatCompletionsUpstream, model: (url) => createOpenAI({ baseURL: `${url}/v1`, apiKey: "k" }).chat("gpt-4o-mini") },
  { name: "anthropic(…) → Anthropic upstream", upstream: anthropicUpstream, model: (url) => createAnthropic({ baseURL: `${url}/v1`, apiKey: "k" })("claude-haiku-4-5") },
  { name: "openai(…) (Responses API) → Gemini upstream", upstream: geminiUpstream, model: (url) => createOpenAI({ baseURL: `${url}/v1`, apiKey: "k" })("gemini-3-pro-preview") },
  { name: "openai.chat(…) → Gemini upstream", upstream: geminiUpstream, model: (url) => createOpenAI({ baseURL: `${url}/v1`, apiKey: "k" }).chat("gemini-3-pro-preview") },
];

for (const setup of setups) {
  describe(`AI SDK ${setup.name}`, () => {
    const bench = gatewayBench({ upstream: setup.upstream, provider: (upstream: ScriptedUpstream) => upstream.provider, client: setup.model });

    test("a plain prompt", async () => {
      bench.upstream.script({ text: "Hello from the gateway." });
      const res = await generateText({ model: bench.client, prompt: "say hello", maxRetries: 0 });
      expect(res.text).toBe("Hello from the gateway.");
      expect(res.finishReason).toBe("stop");
      expect(res.usage.inputTokens).toBeGreaterThan(0);
      expect(res.response.headers?.["x-isartor-layer"]).toBe("l3");
    });

    test("a conversation goes on: the earlier answer reaches the upstream (openai(…) sends it as an item reference)", async () => {
      bench.upstream.script({ text: "Paris." }, { text: "About 2.1 million." });
      const first = await generateText({ model: bench.client, prompt: "capital of France, briefly?", maxRetries: 0 });
      const next = await generateText({ model: bench.client, messages: [{ role: "user", content: "capital of France, briefly?" }, ...first.response.messages, { role: "user", content: "population?" }], maxRetries: 0 });
      expect(next.text).toBe("About 2.1 million.");
      const sent = JSON.stringify(bench.upstream.bodies().at(-1));
      expect(sent).toContain("Paris.");
      expect(sent.indexOf("capital of France")).toBeLessThan(sent.indexOf("Paris."));
      expect(sent.indexOf("Paris.")).toBeLessThan(sent.indexOf("population?"));
    });

    test("a stream arrives in pieces", async () => {
      bench.upstream.script({ text: "Rain is likely in Bonn today." });
      const res = streamText({ model: bench.client, prompt: "weather in Bonn?", maxRetries: 0 });
      const pieces: string[] = [];
      for await (const piece of res.textStream) pieces.push(piece);
      expect(pieces.join("")).toBe("Rain is likely in Bonn today.");
      expect(pieces.length).toBeGreaterThan(1);
      expect(await res.finishReason).toBe("stop");
    });

    test("a tool loop: the call, the SDK's tool result, then the final answer", async () => {
      bench.upstream.script({ call: { id: "call_lima1", name: "get_weather", args: { city: "Lima" } } }, { text: "It is 24 °C in Lima." });
      const res = await generateText({ model: bench.client, prompt: "weather in Lima?", tools: { get_weather: weather }, stopWhen: stepCountIs(3), maxRetries: 0 });
      expect(res.text).toBe("It is 24 °C in Lima.");
      expect(res.steps.length).toBe(2);
      expect(res.steps[0]!.toolCalls.map((c) => [c.toolName, c.input])).toEqual([["get_weather", { city: "Lima" }]]);
      expect(res.steps[0]!.toolResults.map((r) => r.output)).toEqual([{ city: "Lima", tempC: 24 }]);
      expectToolLoopUpstream(bench.upstream, "call_lima1");
    });

    if (setup.upstream === geminiUpstream) {
      test("a Gemini function call's thoughtSignature comes back to Gemini with the call", async () => {
        bench.upstream.script({ call: { id: "call_rome1", name: "get_weather", args: { city: "Rome" }, signature: "c2lnLWFpLXNkay1yb21l" } }, { text: "Rome: 11 °C." });
        const res = await generateText({ model: bench.client, prompt: "weather in Rome?", tools: { get_weather: weather }, stopWhen: stepCountIs(3), maxRetries: 0 });
        expect(res.text).toBe("Rome: 11 °C.");
        expect(res.steps[0]!.toolCalls.map((c) => c.toolName)).toEqual(["get_weather"]);
        expect(bench.upstream.signatureSentBack!()).toBe("c2lnLWFpLXNkay1yb21l");
      });
    }

    test("a streamed tool loop, then the same conversation again is answered from L1a without the upstream", async () => {
      const run = async () => {
        const res = streamText({ model: bench.client, prompt: "weather in Oslo?", tools: { get_weather: weather }, stopWhen: stepCountIs(3), maxRetries: 0 });
        let text = "";
        for await (const piece of res.textStream) text += piece;
        const steps = await res.steps;
        return { text, steps, layers: steps.map((s) => s.response.headers?.["x-isartor-layer"]) };
      };
      bench.upstream.script({ call: { id: "call_oslo1", name: "get_weather", args: { city: "Oslo" } } }, { text: "Oslo: 11 °C." });
      const first = await run();
      expect(first.text).toBe("Oslo: 11 °C.");
      expect(first.layers).toEqual(["l3", "l3"]);
      const served = bench.upstream.bodies().length;

      const again = await run();
      expect(again.text).toBe("Oslo: 11 °C.");
      expect(again.layers).toEqual(["l1a", "l1a"]);
      expect(again.steps[0]!.toolCalls.map((c) => [c.toolCallId, c.input])).toEqual([["call_oslo1", { city: "Oslo" }]]);
      expect(bench.upstream.bodies().length).toBe(served);
    });

    test("a non-streamed answer again is a cache hit", async () => {
      bench.upstream.script({ text: "Paris." });
      const first = await generateText({ model: bench.client, prompt: "capital of France?", maxRetries: 0 });
      const served = bench.upstream.bodies().length;
      const again = await generateText({ model: bench.client, prompt: "capital of France?", maxRetries: 0 });
      expect(again.text).toBe(first.text);
      expect(again.response.headers?.["x-isartor-layer"]).toBe("l1a");
      expect(again.usage.inputTokens).toBe(first.usage.inputTokens);
      expect(bench.upstream.bodies().length).toBe(served);
    });
  });
}
