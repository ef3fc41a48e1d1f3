// LangChain's ChatOpenAI through the gateway with only the base URL changed, plain (Chat Completions) and
// with useResponsesApi: true: a plain prompt, a stream, a tool loop and a cache-hit replay.
import { describe, expect, test } from "bun:test";
import { AIMessageChunk, HumanMessage, ToolMessage, type AIMessage, type BaseMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { ChatOpenAI } from "@langchain/openai";
import { z } from "zod";
import { gatewayBench } from "./gateway-bench.ts";
import { anthropicUpstream, chatCompletionsUpstream, expectToolLoopUpstream, geminiUpstream, responsesUpstream, type ScriptedUpstream } from "./upstreams.ts";

const weather = tool(async ({ city }) => JSON.stringify({ city, tempC: city === "Lima" ? 24 : 11 }), {
  name: "get_weather",
  description: "Weather for a city",
  schema: z.object({ city: z.string() }),
});

interface Setup {
  name: string;
  upstream: () => ScriptedUpstream;
  model: string;
  useResponsesApi: boolean;
}

const setups: Setup[] = [
  { name: "ChatOpenAI → Chat Completions upstream", upstream: chatCompletionsUpstream, model: "gpt-4o-mini", useResponsesApi: false },
  { name: "ChatOpenAI useResponsesApi → Chat Completions upstream", upstream: chatCompletionsUpstream, model: "gpt-4o-mini", useResponsesApi: true },
  { name: "ChatOpenAI useResponsesApi → Responses upstream", upstream: responsesUpstream, model: "gpt-5-mini", useResponsesApi: true },
  { name: "ChatOpenAI useResponsesApi → Anthropic upstream", upstream: anthropicUpstream, model: "claude-haiku-4-5", useResponsesApi: true },
  { name: "ChatOpenAI → Gemini upstream", upstream: geminiUpstream, model: "gemini-3-pro-preview", useResponsesApi: false },
  { name: "ChatOpenAI useResponsesApi → Gemini upstream", upstream: geminiUpstream, model: "gemini-3-pro-preview", useResponsesApi: true },
];

/** Runs the model with the tool until it answers without calling one (at most three rounds). */
async function toolLoop(model: ChatOpenAI, question: string, stream: boolean) {
  const withTools = model.bindTools([weather]);
  const messages: BaseMessage[] = [new HumanMessage(question)];
  for (let round = 0; round < 3; round++) {
    let reply: AIMessage;
    if (stream) {
      let acc: AIMessageChunk | undefined;
      for await (const chunk of await withTools.stream(messages)) acc = acc ? acc.concat(chunk) : chunk;
      reply = acc!;
    } else reply = await withTools.invoke(messages);
    messages.push(reply);
    if (!reply.tool_calls?.length) return { answer: reply, messages };
    for (const call of reply.tool_calls) messages.push(new ToolMessage({ tool_call_id: call.id!, content: String(await weather.invoke(call.args as { city: string })) }));
  }
  throw new Error("the model kept calling tools");
}

const textOf = (m: BaseMessage) => (typeof m.content === "string" ? m.content : m.content.map((p) => ("text" in p ? p.text : "")).join(""));

for (const setup of setups) {
  describe(`LangChain ${setup.name}`, () => {
    const bench = gatewayBench({
      upstream: setup.upstream,
      provider: (upstream: ScriptedUpstream) => upstream.provider,
      client: (url) => new ChatOpenAI({ model: setup.model, apiKey: "k", maxRetries: 0, useResponsesApi: setup.useResponsesApi, configuration: { baseURL: `${url}/v1` } }),
    });

    test("a plain prompt", async () => {
      bench.upstream.script({ text: "Hello from the gateway." });
      const reply = await bench.client.invoke("say hello");
      expect(textOf(reply)).toBe("Hello from the gateway.");
      expect(reply.usage_metadata?.input_tokens).toBeGreaterThan(0);
      expect(JSON.stringify(bench.upstream.bodies().at(-1))).toContain("say hello");
    });

    test("a conversation goes on: the earlier answer reaches the upstream", async () => {
      bench.upstream.script({ text: "Paris." }, { text: "About 2.1 million." });
      const history: BaseMessage[] = [new HumanMessage("capital of France, briefly?")];
      history.push(await bench.client.invoke(history));
      const next = await bench.client.invoke([...history, new HumanMessage("population?")]);
      expect(textOf(next)).toBe("About 2.1 million.");
      const sent = JSON.stringify(bench.upstream.bodies().at(-1));
      expect(sent.indexOf("capital of France")).toBeLessThan(sent.indexOf("Paris."));
      expect(sent.indexOf("Paris.")).toBeLessThan(sent.indexOf("population?"));
    });

    test("a stream arrives in pieces", async () => {
      bench.upstream.script({ text: "Rain is likely in Bonn today." });
      const pieces: string[] = [];
      for await (const chunk of await bench.client.stream("weather in Bonn?")) if (textOf(chunk)) pieces.push(textOf(chunk));
      expect(pieces.join("")).toBe("Rain is likely in Bonn today.");
      expect(pieces.length).toBeGreaterThan(1);
    });

    test("a tool loop: the call, the tool result, then the final answer", async () => {
      bench.upstream.script({ call: { id: "call_lima1", name: "get_weather", args: { city: "Lima" } } }, { text: "It is 24 °C in Lima." });
      const { answer, messages } = await toolLoop(bench.client, "weather in Lima?", false);
      expect(textOf(answer)).toBe("It is 24 °C in Lima.");
      expect((messages[1] as AIMessage).tool_calls?.map((c) => [c.id, c.name, c.args])).toEqual([["call_lima1", "get_weather", { city: "Lima" }]]);
      expectToolLoopUpstream(bench.upstream, "call_lima1");
    });

    if (setup.upstream === geminiUpstream) {
      test("a Gemini function call's thoughtSignature comes back to Gemini with the call", async () => {
        bench.upstream.script({ call: { id: "call_rome1", name: "get_weather", args: { city: "Rome" }, signature: "c2lnLWxhbmdjaGFpbi1yb21l" } }, { text: "Rome: 11 °C." });
        const { answer } = await toolLoop(bench.client, "weather in Rome?", false);
        expect(textOf(answer)).toBe("Rome: 11 °C.");
        expect(bench.upstream.signatureSentBack!()).toBe("c2lnLWxhbmdjaGFpbi1yb21l");
      });
    }

    test("a streamed tool loop, then the same conversation again is answered from the cache without the upstream", async () => {
      bench.upstream.script({ call: { id: "call_oslo1", name: "get_weather", args: { city: "Oslo" } } }, { text: "Oslo: 11 °C." });
      const first = await toolLoop(bench.client, "weather in Oslo?", true);
      expect(textOf(first.answer)).toBe("Oslo: 11 °C.");
      const served = bench.upstream.bodies().length;

      const again = await toolLoop(bench.client, "weather in Oslo?", true);
      expect(textOf(again.answer)).toBe("Oslo: 11 °C.");
      expect((again.messages[1] as AIMessage).tool_calls?.map((c) => [c.id, c.args])).toEqual([["call_oslo1", { city: "Oslo" }]]);
      expect(bench.upstream.bodies().length).toBe(served);
    });

    test("a non-streamed answer again is a cache hit", async () => {
      bench.upstream.script({ text: "Paris." });
      const first = await bench.client.invoke("capital of France?");
      const served = bench.upstream.bodies().length;
      const again = await bench.client.invoke("capital of France?");
      expect(textOf(again)).toBe(textOf(first));
      expect(again.usage_metadata?.input_tokens).toBe(first.usage_metadata?.input_tokens);
      expect(bench.upstream.bodies().length).toBe(served);
    });
  });
}
