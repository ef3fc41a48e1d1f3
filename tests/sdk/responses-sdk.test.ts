// The official openai SDK's Responses API (responses.create / responses.stream) through the gateway:
// pass-through to an OpenAI Responses upstream, translation to Chat Completions, Anthropic and Gemini
// upstreams, tool loops with function_call_output, previous_response_id and cache-hit replays.
import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { AnthropicClient } from "../../src/providers/anthropic-client.ts";
import { GeminiClient } from "../../src/providers/gemini-client.ts";
import { OpenAICompatibleClient } from "../../src/providers/openai-compatible.ts";
import { startMockAnthropic } from "../helpers/mock-anthropic-upstream.ts";
import { startMockGemini } from "../helpers/mock-gemini-upstream.ts";
import { startMockOpenAI } from "../helpers/mock-openai-upstream.ts";
import { startMockResponses } from "../helpers/mock-responses-upstream.ts";
import { openAIBench } from "./gateway-bench.ts";

const weatherTool: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};

/** Every event of a responses.stream, and the final response the SDK assembled from them. */
async function streamAll(client: OpenAI, params: OpenAI.Responses.ResponseCreateParamsStreaming | Omit<OpenAI.Responses.ResponseCreateParamsStreaming, "stream">) {
  const stream = client.responses.stream(params as OpenAI.Responses.ResponseCreateParamsStreaming);
  const events: OpenAI.Responses.ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return { events, final: await stream.finalResponse() };
}

function expectWellFormedSequence(events: OpenAI.Responses.ResponseStreamEvent[]) {
  expect(events[0]!.type).toBe("response.created");
  expect(events[1]!.type).toBe("response.in_progress");
  expect(events.at(-1)!.type).toBe("response.completed");
  events.forEach((e, i) => expect(e.sequence_number).toBe(i));
  const added = events.filter((e) => e.type === "response.output_item.added").length;
  const done = events.filter((e) => e.type === "response.output_item.done").length;
  expect(added).toBe(done);
}

describe("Responses API → OpenAI Responses upstream (pass-through)", () => {
  const bench = openAIBench(startMockResponses, (upstream) => new OpenAICompatibleClient({ name: "openai", baseUrl: upstream.url, apiKey: "sk-up", timeoutMs: 20_000, responsesApi: true }));

  test("the body goes upstream as sent and the upstream's own answer comes back, unknown items and fields included", async () => {
    const searchItem = { id: "ws_1", type: "web_search_call", status: "completed", action: { type: "search", query: "lima" } };
    bench.upstream.replies = [{ text: "Sunny in Lima.", extraItem: searchItem }];
    const params = {
      model: "gpt-5-mini",
      instructions: "be brief",
      input: [{ role: "developer" as const, content: "metric units" }, { role: "user" as const, content: "weather in Lima?" }],
      tools: [{ type: "web_search" as const }],
      reasoning: { effort: "low" as const },
      include: ["reasoning.encrypted_content" as const],
      store: false,
    };
    const res = await bench.client.responses.create(params);
    expect(res.output_text).toBe("Sunny in Lima.");
    expect(res.output[0]).toEqual(searchItem as never);
    expect(res.service_tier).toBe("flex");
    expect(res.usage?.input_tokens_details.cached_tokens).toBe(4);
    expect(bench.upstream.requests.at(-1)!.body).toEqual(params);
    expect(bench.upstream.requests.at(-1)!.headers.get("authorization")).toBe("Bearer sk-up");
  });

  test("a stream is forwarded byte-for-byte", async () => {
    bench.upstream.replies = [{ text: "Rain is likely today." }];
    const res = await fetch(`${bench.gateway.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer k" },
      body: JSON.stringify({ model: "gpt-5-mini", input: "weather in Bonn, streamed?", stream: true }),
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const text = await res.text();
    expect(text).toBe(bench.upstream.streamed.at(-1)!);
    expect(bench.upstream.requests.at(-1)!.body).toEqual({ model: "gpt-5-mini", input: "weather in Bonn, streamed?", stream: true });
  });

  /** The same request again as a stream: answered by L1a, every event collected, the sequence well formed. */
  async function cachedStream(params: OpenAI.Responses.ResponseCreateParamsNonStreaming): Promise<OpenAI.Responses.ResponseStreamEvent[]> {
    const { data, response } = await bench.client.responses.create({ ...params, stream: true }).withResponse();
    expect(response.headers.get("x-isartor-layer")).toBe("l1a");
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const e of data) events.push(e);
    expectWellFormedSequence(events);
    return events;
  }

  test("the SDK's stream helper assembles the pass-through stream; the same request again is a cache hit replayed as events", async () => {
    bench.upstream.replies = [{ text: "Fog over Hamburg." }];
    const params = { model: "gpt-5-mini", input: "weather in Hamburg?" };
    const first = await streamAll(bench.client, params);
    expect(first.final.output_text).toBe("Fog over Hamburg.");
    expectWellFormedSequence(first.events);
    const served = bench.upstream.requests.length;

    const events = await cachedStream(params);
    const replayed = (events.at(-1) as OpenAI.Responses.ResponseCompletedEvent).response;
    expect(events.filter((e) => e.type === "response.output_text.delta").map((e) => (e as { delta: string }).delta).join("")).toBe("Fog over Hamburg.");
    expect(replayed.output.map((o) => o.type)).toEqual(first.final.output.map((o) => o.type));
    expect(replayed.status).toBe("completed");
    expect(replayed.id).toStartWith("resp_");
    expect(replayed.id).not.toBe(first.final.id);
    expect(bench.upstream.requests.length).toBe(served);
  });

  /** The output items a stream announced, in order, with the item each output_item.added / .done carried. */
  const itemEvents = (events: OpenAI.Responses.ResponseStreamEvent[]) =>
    events.flatMap((e) => (e.type === "response.output_item.added" || e.type === "response.output_item.done" ? [{ type: e.type, index: e.output_index, item: e.item.type }] : []));

  test("built-in tool items (web_search_call, file_search_call) survive stream replays of streamed and non-streamed answers, in order", async () => {
    const search = { id: "ws_7", type: "web_search_call", status: "completed", action: { type: "search", query: "tides in Brest" } };
    const files = { id: "fs_7", type: "file_search_call", status: "completed", queries: ["tide table"], results: null };
    for (const [extraItem, input, streamedFirst] of [
      [search, "tides in Brest, streamed first?", true],
      [files, "tides in Brest, answered whole first?", false],
    ] as const) {
      bench.upstream.replies = [{ text: "High tide at 14:05.", extraItem }];
      const params = { model: "gpt-5-mini", input, tools: [{ type: "web_search" as const }] };
      const first = streamedFirst ? (await streamAll(bench.client, params)).final : await bench.client.responses.create(params);
      expect(first.output[0]).toEqual(extraItem as never);
      const served = bench.upstream.requests.length;

      const events = await cachedStream(params);
      expect(itemEvents(events) as unknown[]).toEqual([
        { type: "response.output_item.added", index: 0, item: extraItem.type },
        { type: "response.output_item.done", index: 0, item: extraItem.type },
        { type: "response.output_item.added", index: 1, item: "message" },
        { type: "response.output_item.done", index: 1, item: "message" },
      ]);
      const done = events.find((e) => e.type === "response.output_item.done" && e.output_index === 0) as OpenAI.Responses.ResponseOutputItemDoneEvent;
      expect(done.item).toEqual(extraItem as never);
      const replayed = (events.at(-1) as OpenAI.Responses.ResponseCompletedEvent).response;
      expect(replayed.output[0]).toEqual(extraItem as never);
      expect(replayed.output[1]).toMatchObject({ type: "message", content: [{ type: "output_text", text: "High tide at 14:05." }] });
      // and the non-streamed replay has it too
      const whole = await bench.client.responses.create(params);
      expect(whole.output[0]).toEqual(extraItem as never);
      expect(bench.upstream.requests.length).toBe(served);
    }
  });

  test("previous_response_id continues a conversation: the whole history goes upstream", async () => {
    bench.upstream.replies = [{ text: "Paris." }, { text: "About 2.1 million." }];
    const first = await bench.client.responses.create({ model: "gpt-5-mini", input: "capital of France?" });
    const second = await bench.client.responses.create({ model: "gpt-5-mini", previous_response_id: first.id, input: "how many people live there?" });
    expect(second.output_text).toBe("About 2.1 million.");
    expect(second.previous_response_id).toBe(first.id);
    const sent = bench.upstream.requests.at(-1)!.body;
    expect(sent.previous_response_id).toBeUndefined();
    expect(sent.input).toEqual([{ role: "user", content: "capital of France?" }, ...first.output, { role: "user", content: "how many people live there?" }]);
  });

  test("an unknown previous_response_id is a clear 400", async () => {
    const err = await bench.client.responses.create({ model: "gpt-5-mini", previous_response_id: "resp_nope", input: "hi" }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain("previous_response_id 'resp_nope'");
    expect(err.param).toBe("previous_response_id");
  });
});

describe("Responses API → Chat Completions upstream (translation)", () => {
  const bench = openAIBench(startMockOpenAI, (upstream) => new OpenAICompatibleClient({ name: "groq", baseUrl: upstream.url, apiKey: "sk-up", timeoutMs: 20_000 }));

  test("instructions, developer messages, input images and text.format become a chat request", async () => {
    bench.upstream.replies = [{ text: '{"city":"Lima"}' }];
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false };
    const res = await bench.client.responses.create({
      model: "llama-3.3-70b",
      instructions: "answer in JSON",
      input: [
        { role: "developer", content: "no prose" },
        { role: "user", content: [{ type: "input_text", text: "which city is this?" }, { type: "input_image", image_url: "https://example.com/lima.jpg", detail: "high" }] },
      ],
      text: { format: { type: "json_schema", name: "city", schema, strict: true } },
      max_output_tokens: 50,
      temperature: 0.2,
    });
    expect(res.output_text).toBe('{"city":"Lima"}');
    expect(res.status).toBe("completed");
    expect(res.usage).toMatchObject({ input_tokens: 11, output_tokens: 7, total_tokens: 18 });
    expect(bench.upstream.requests.at(-1)!.body).toEqual({
      model: "llama-3.3-70b",
      messages: [
        { role: "system", content: "answer in JSON" + "no prose" },
        { role: "user", content: [{ type: "text", text: "which city is this?" }, { type: "image_url", image_url: { url: "https://example.com/lima.jpg", detail: "high" } }] },
      ],
      stream: false,
      temperature: 0.2,
      max_tokens: 50,
      response_format: { type: "json_schema", json_schema: { name: "city", schema, strict: true } },
    });
  });

  test("a streamed tool loop: function_call events, then function_call_output via previous_response_id", async () => {
    bench.upstream.replies = [{ toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Lima"}' }] }, { text: "It is 24 °C in Lima." }];
    const first = await streamAll(bench.client, { model: "llama-3.3-70b", input: "weather in Lima?", tools: [weatherTool] });
    expectWellFormedSequence(first.events);
    const types = first.events.map((e) => e.type);
    expect(types).toContain("response.function_call_arguments.delta");
    expect(types).toContain("response.function_call_arguments.done");
    const call = first.final.output.find((o) => o.type === "function_call") as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ call_id: "call_1", name: "get_weather", arguments: '{"city":"Lima"}', status: "completed" });
    expect(bench.upstream.requests.at(-1)!.body.tools).toEqual([{ type: "function", function: { name: "get_weather", description: "Weather for a city", parameters: weatherTool.parameters } }]);

    const second = await streamAll(bench.client, {
      model: "llama-3.3-70b",
      previous_response_id: first.final.id,
      input: [{ type: "function_call_output", call_id: "call_1", output: '{"temp_c":24}' }],
      tools: [weatherTool],
    });
    expect(second.final.output_text).toBe("It is 24 °C in Lima.");
    expect(second.events.filter((e) => e.type === "response.output_text.delta").map((e) => (e as { delta: string }).delta).join("")).toBe("It is 24 °C in Lima.");
    expect(bench.upstream.requests.at(-1)!.body.messages).toEqual([
      { role: "user", content: "weather in Lima?" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Lima"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: '{"temp_c":24}' },
    ]);
  });

  test("the same tool loop sent whole (no previous_response_id, as Codex does) hits the cache the second time", async () => {
    bench.upstream.replies = [{ text: "Cloudy, 18 °C." }];
    const input: OpenAI.Responses.ResponseInput = [
      { role: "user", content: "weather in Quito?" },
      { type: "function_call", call_id: "call_9", name: "get_weather", arguments: '{"city":"Quito"}' },
      { type: "function_call_output", call_id: "call_9", output: '{"temp_c":18}' },
    ];
    const first = await bench.client.responses.create({ model: "llama-3.3-70b", input, tools: [weatherTool], store: false });
    expect(first.output_text).toBe("Cloudy, 18 °C.");
    const served = bench.upstream.requests.length;
    const { data, response } = await bench.client.responses.create({ model: "llama-3.3-70b", input, tools: [weatherTool], store: false }).withResponse();
    expect(response.headers.get("x-isartor-layer")).toBe("l1a");
    expect(data.output_text).toBe("Cloudy, 18 °C.");
    expect(bench.upstream.requests.length).toBe(served);
    // store: false answers are not kept for previous_response_id
    const err = await bench.client.responses.create({ model: "llama-3.3-70b", previous_response_id: first.id, input: "and tomorrow?" }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  });

  test("built-in tools are refused clearly by an upstream that cannot run them", async () => {
    const err = await bench.client.responses.create({ model: "llama-3.3-70b", input: "news today?", tools: [{ type: "web_search" }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain("built-in tools (web_search)");
  });
});

describe("Responses API → Anthropic upstream (translation)", () => {
  const bench = openAIBench(startMockAnthropic, (upstream) => new AnthropicClient({ name: "anthropic", baseUrl: upstream.url, apiKey: "sk-ant", timeoutMs: 20_000 }));

  test("thinking becomes a reasoning item whose encrypted_content returns to Anthropic as the signature", async () => {
    bench.upstream.replies = [{ thinking: { text: "Lima is coastal.", signature: "sig-abc" }, text: "Checking. ", toolCalls: [{ id: "toolu_1", name: "get_weather", input: { city: "Lima" } }] }, { text: "Mild, 20 °C." }];
    const first = await streamAll(bench.client, { model: "claude-sonnet-4-5", instructions: "be brief", input: "weather in Lima?", tools: [weatherTool], max_output_tokens: 300 });
    expectWellFormedSequence(first.events);
    const reasoning = first.final.output.find((o) => o.type === "reasoning") as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.summary).toEqual([{ type: "summary_text", text: "Lima is coastal." }]);
    expect(reasoning.encrypted_content).toBe("sig-abc");
    expect(first.final.output_text).toBe("Checking. ");
    expect(bench.upstream.requests.at(-1)!.body).toMatchObject({ model: "claude-sonnet-4-5", max_tokens: 300, system: [{ type: "text", text: "be brief" }], stream: true });

    const second = await bench.client.responses.create({
      model: "claude-sonnet-4-5",
      instructions: "be brief",
      input: [{ role: "user", content: "weather in Lima?" }, ...(first.final.output as OpenAI.Responses.ResponseInputItem[]), { type: "function_call_output", call_id: "toolu_1", output: "20 °C" }],
      tools: [weatherTool],
      max_output_tokens: 300,
    });
    expect(second.output_text).toBe("Mild, 20 °C.");
    expect(bench.upstream.requests.at(-1)!.body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "weather in Lima?" }] },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "Lima is coastal.", signature: "sig-abc" },
          { type: "text", text: "Checking. " },
          { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Lima" } },
        ],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "20 °C" }] }] },
    ]);
  });
});

describe("Responses API → Gemini upstream (translation)", () => {
  const bench = openAIBench(startMockGemini, (upstream) => new GeminiClient({ name: "gemini", baseUrl: upstream.url, apiKey: "g-key", timeoutMs: 20_000 }));

  test("plain and streamed answers; the stream's replay from cache is well-formed", async () => {
    bench.upstream.replies = [{ text: "Hello from Gemini" }];
    const plain = await bench.client.responses.create({ model: "gemini-2.5-flash", input: "say hello" });
    expect(plain.output_text).toBe("Hello from Gemini");
    expect(bench.upstream.requests.at(-1)!.body.contents).toEqual([{ role: "user", parts: [{ text: "say hello" }] }]);
    const streamed = await streamAll(bench.client, { model: "gemini-2.5-flash", input: "say hello, streamed" });
    expectWellFormedSequence(streamed.events);
    expect(streamed.final.output_text).toBe("Hello from Gemini");
    const again = await streamAll(bench.client, { model: "gemini-2.5-flash", input: "say hello, streamed" });
    expect(again.final.output_text).toBe("Hello from Gemini");
    expect(again.final.usage?.total_tokens).toBe(streamed.final.usage?.total_tokens);
  });

  /** The model part of the second Gemini request: the function call the client sent back. */
  const sentBackCall = () => bench.upstream.requests.at(-1)!.body.contents[1];

  test("a function call's thoughtSignature survives the round trip: answer → function_call item → back in input → Gemini", async () => {
    bench.upstream.replies = [{ functionCalls: [{ name: "get_weather", args: { city: "Lima" }, thoughtSignature: "c2lnLWZjLWxpbWE=" }] }, { text: "24 °C in Lima." }];
    const params = { model: "gemini-3-pro", input: "weather in Lima?", tools: [weatherTool], store: false };
    const first = await bench.client.responses.create(params);
    const call = first.output.find((o) => o.type === "function_call") as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call.name).toBe("get_weather");
    const second = await bench.client.responses.create({ ...params, input: [{ role: "user", content: "weather in Lima?" }, call, { type: "function_call_output", call_id: call.call_id, output: '{"temp_c":24}' }] });
    expect(second.output_text).toBe("24 °C in Lima.");
    expect(sentBackCall()).toEqual({ role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Lima" } }, thoughtSignature: "c2lnLWZjLWxpbWE=" }] });
    expect(bench.upstream.requests.at(-1)!.body.contents[2]).toEqual({ role: "user", parts: [{ functionResponse: { name: "get_weather", response: { temp_c: 24 } } }] });
  });

  test("the signature also survives a streamed answer, its cache replay and previous_response_id", async () => {
    bench.upstream.replies = [{ functionCalls: [{ id: "fc-oslo", name: "get_weather", args: { city: "Oslo" }, thoughtSignature: "c2lnLWZjLW9zbG8=" }] }, { text: "11 °C in Oslo." }];
    const params = { model: "gemini-3-pro", input: "weather in Oslo?", tools: [weatherTool] };
    const before = bench.upstream.requests.length;
    const streamed = await streamAll(bench.client, params);
    const replayed = await streamAll(bench.client, params);
    expect(bench.upstream.requests.length).toBe(before + 1);
    const calls = [streamed, replayed].map((r) => r.final.output.find((o) => o.type === "function_call") as OpenAI.Responses.ResponseFunctionToolCall);
    expect(calls[1]!.call_id).toBe(calls[0]!.call_id);

    const next = await bench.client.responses.create({ ...params, previous_response_id: replayed.final.id, input: [{ type: "function_call_output", call_id: calls[1]!.call_id, output: '{"temp_c":11}' }] });
    expect(next.output_text).toBe("11 °C in Oslo.");
    expect(sentBackCall().parts).toEqual([{ functionCall: { id: "fc-oslo", name: "get_weather", args: { city: "Oslo" } }, thoughtSignature: "c2lnLWZjLW9zbG8=" }]);
    expect(bench.upstream.requests.at(-1)!.body.contents[2].parts[0].functionResponse.id).toBe("fc-oslo");
  });
});
