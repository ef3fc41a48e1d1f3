// Responses API format: round trips between the renderers and the upstream readers, the tool-loop
// round trip (output items sent back as input), and the streamed event sequence.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { ResponseHistory } from "../../src/cache/response-history.ts";
import { parseResponsesRequest } from "../../src/formats/responses-parse.ts";
import { renderResponsesResponse, responseId } from "../../src/formats/responses-render.ts";
import { createResponsesFormat } from "../../src/formats/responses.ts";
import { GatewayError } from "../../src/pipeline/errors.ts";
import { ResponseAssembler } from "../../src/pipeline/assemble.ts";
import { estimateTokens } from "../../src/pipeline/tokens.ts";
import type { ChatResponse } from "../../src/pipeline/types.ts";
import { fromResponsesResponse, ResponsesStreamReader } from "../../src/providers/wire/responses.ts";
import { chatResponse } from "./arbitraries.ts";
import { renderedStream, sseMessages } from "./stream-text.ts";

const req = parseResponsesRequest({ model: "m", input: "hi" });
const comparable = (r: ChatResponse) => ({ ...r, id: responseId(r.id), wire: undefined });

describe("round trips", () => {
  test("response: the upstream reader reads back what render wrote", () => {
    fc.assert(
      fc.property(chatResponse("anthropic"), (res) => {
        const wire = JSON.parse(JSON.stringify(renderResponsesResponse(res, req)));
        expect(comparable(fromResponsesResponse(wire, estimateTokens))).toEqual(comparable(res));
      }),
      { numRuns: 200 },
    );
  });

  test("stream: the event sequence, read by the upstream stream reader, assembles to the same response", async () => {
    await fc.assert(
      fc.asyncProperty(chatResponse("anthropic"), async (res) => {
        const reader = new ResponsesStreamReader();
        const assembler = new ResponseAssembler();
        for (const m of sseMessages(await renderedStream(createResponsesFormat(new ResponseHistory()), res, req))) {
          for (const e of reader.read(m.event, m.data)?.events ?? []) assembler.add(e);
        }
        expect(comparable(assembler.result(estimateTokens)!)).toEqual(comparable(res));
      }),
      { numRuns: 100 },
    );
  });

  test("stream: built-in tool items go out whole, in order, and are read back and assembled as they were", async () => {
    const items = fc.array(
      fc.record({ id: fc.stringMatching(/^ws_[a-z0-9]{1,8}$/), type: fc.constantFrom("web_search_call", "file_search_call", "code_interpreter_call"), status: fc.constant("completed") }),
      { minLength: 1, maxLength: 3 },
    );
    await fc.assert(
      fc.asyncProperty(chatResponse("anthropic"), items, async (base, extra) => {
        const [thinking, rest] = [base.message.content.filter((p) => p.type === "thinking"), base.message.content.filter((p) => p.type !== "thinking")];
        const res: ChatResponse = { ...base, message: { ...base.message, content: [...thinking, ...extra.map((value) => ({ type: "opaque" as const, format: "responses" as const, value })), ...rest] } };
        const messages = sseMessages(await renderedStream(createResponsesFormat(new ResponseHistory()), res, req));
        const done = messages.map((m) => JSON.parse(m.data)).filter((e) => e.type === "response.output_item.done" && extra.some((x) => x.id === e.item.id));
        expect(done.map((e) => e.item)).toEqual(extra);
        const reader = new ResponsesStreamReader();
        const assembler = new ResponseAssembler();
        for (const m of messages) for (const e of reader.read(m.event, m.data)?.events ?? []) assembler.add(e);
        expect(comparable(assembler.result(estimateTokens)!)).toEqual(comparable(res));
      }),
      { numRuns: 100 },
    );
  });

  test("tool loop: output items sent back as input are the same assistant turn", () => {
    fc.assert(
      fc.property(chatResponse("anthropic"), (res) => {
        const output = (renderResponsesResponse(res, req) as { output: unknown[] }).output;
        const next = parseResponsesRequest({ model: "m", input: [{ role: "user", content: "q" }, ...JSON.parse(JSON.stringify(output))] });
        const assistant = next.messages[1] ?? { role: "assistant", content: [] };
        expect(assistant).toEqual(res.message);
      }),
      { numRuns: 200 },
    );
  });

  test("tool loop: a Gemini call's signature returns with the call, streamed or not; its tool output names the plain id", async () => {
    const signed = fc.tuple(chatResponse("gemini"), fc.array(fc.stringMatching(/^[A-Za-z0-9+/]{8,40}={0,2}$/), { minLength: 2, maxLength: 2 })).map(([res, sigs]): ChatResponse => ({
      ...res,
      message: { ...res.message, ...(res.message.toolCalls ? { toolCalls: res.message.toolCalls.map((c, i) => ({ ...c, signature: sigs[i] })) } : {}) },
    }));
    await fc.assert(
      fc.asyncProperty(signed, async (res) => {
        const events = sseMessages(await renderedStream(createResponsesFormat(new ResponseHistory()), res, req)).map((m) => JSON.parse(m.data));
        const streamedOutput: unknown[] = events.at(-1).response.output;
        for (const output of [(renderResponsesResponse(res, req) as { output: unknown[] }).output, streamedOutput]) {
          const calls = output.filter((o) => (o as { type: string }).type === "function_call") as { call_id: string }[];
          const results = calls.map((c) => ({ type: "function_call_output", call_id: c.call_id, output: "ok" }));
          const next = parseResponsesRequest({ model: "m", input: [{ role: "user", content: "q" }, ...JSON.parse(JSON.stringify(output)), ...results] });
          expect(next.messages[1] ?? { role: "assistant", content: [] }).toEqual(res.message);
          expect(next.messages.slice(2).map((m) => m.toolCallId)).toEqual((res.message.toolCalls ?? []).map((c) => c.id));
        }
      }),
      { numRuns: 100 },
    );
  });

  test("stream: the completed event's response has the same output items as the non-streamed answer", async () => {
    await fc.assert(
      fc.asyncProperty(chatResponse("anthropic"), async (res) => {
        const events = sseMessages(await renderedStream(createResponsesFormat(new ResponseHistory()), res, req)).map((m) => JSON.parse(m.data));
        events.forEach((e, i) => expect(e.sequence_number).toBe(i));
        const last = events.at(-1);
        expect(["response.completed", "response.incomplete"]).toContain(last.type);
        expect(last.response.output).toEqual((renderResponsesResponse(res, req) as { output: unknown }).output);
      }),
      { numRuns: 100 },
    );
  });
});

describe("stream event sequence", () => {
  test("created, in_progress, then each item opened, filled and closed, then completed", async () => {
    const res: ChatResponse = {
      id: "x1",
      created: 1,
      model: "m",
      message: { role: "assistant", content: [{ type: "text", text: "Hi" }], toolCalls: [{ id: "call_1", name: "f", arguments: '{"a":1}' }] },
      finishReason: "tool_calls",
      usage: { inputTokens: 3, outputTokens: 2 },
    };
    const types = sseMessages(await renderedStream(createResponsesFormat(new ResponseHistory()), res, req)).map((m) => m.event);
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
  });
});

test("item references to the gateway's own answers become those items again, for the same tenant only", () => {
  const history = new ResponseHistory();
  const res: ChatResponse = {
    id: "chatcmpl-r7",
    created: 1,
    model: "m",
    message: { role: "assistant", content: [{ type: "thinking", text: "t", signature: "sig" }, { type: "text", text: "Paris." }], toolCalls: [{ id: "call_1", name: "f", arguments: "{}" }] },
    finishReason: "tool_calls",
    usage: { inputTokens: 3, outputTokens: 2 },
  };
  const answering = createResponsesFormat(history);
  const output = (answering.render(res, answering.parse({ model: "m", input: "capital?" }, { tenant: "a" }), { layer: "l3" }) as { output: { id: string }[] }).output;
  const references = [{ role: "user", content: "capital?" }, ...output.map((o) => ({ type: "item_reference", id: o.id })), { type: "item_reference", id: "msg_unknown" }];
  const body = { model: "m", input: [...references, { type: "function_call_output", call_id: "call_1", output: "ok" }] };

  const same = createResponsesFormat(history).parse(body, { tenant: "a" });
  expect(same.messages[1]).toEqual({ ...res.message, content: [...res.message.content, { type: "opaque", format: "responses", value: { type: "item_reference", id: "msg_unknown" } }] });
  expect((same.source.body as { input: unknown[] }).input.slice(1, 1 + output.length)).toEqual(output);

  const other = createResponsesFormat(history).parse(body, { tenant: "b" });
  expect(other.messages[1]!.content.every((p) => p.type === "opaque")).toBe(true);
  expect(other.source.body).toBe(body);
});

test("namespace tools become prefixed canonical tools; a call to one is rendered with its namespace again", () => {
  const body = {
    model: "m",
    input: [{ role: "user", content: "spawn" }, { type: "function_call", call_id: "c0", namespace: "agents", name: "spawn", arguments: "{}" }, { type: "function_call_output", call_id: "c0", output: "ok" }],
    tools: [{ type: "namespace", name: "agents", description: "sub-agents", tools: [{ type: "function", name: "spawn", parameters: { type: "object", properties: {} } }] }],
  };
  const parsed = parseResponsesRequest(body);
  expect(parsed.tools).toEqual([{ name: "agents__spawn", parameters: { type: "object", properties: {} } }]);
  expect(parsed.messages[1]!.toolCalls).toEqual([{ id: "c0", name: "agents__spawn", arguments: "{}" }]);
  const res: ChatResponse = { id: "r", created: 1, model: "m", message: { role: "assistant", content: [], toolCalls: [{ id: "c1", name: "agents__spawn", arguments: "{}" }] }, finishReason: "tool_calls", usage: { inputTokens: 1, outputTokens: 1 } };
  const out = renderResponsesResponse(res, parsed) as { output: { name: string; namespace?: string }[] };
  expect(out.output[0]).toMatchObject({ type: "function_call", name: "spawn", namespace: "agents", call_id: "c1" });
});

describe("bad input names the field", () => {
  const cases: [unknown, string][] = [
    [{ model: "m" }, "input"],
    [{ model: "m", input: [{ role: "robot", content: "x" }] }, "input[0].role"],
    [{ model: "m", input: [{ role: "developer", content: "only instructions" }] }, "input"],
    [{ model: "m", input: [{ type: "function_call", name: "f", arguments: "{}" }] }, "input[0].call_id"],
    [{ model: "m", input: "hi", tools: [{ type: "function" }] }, "tools[0].name"],
    [{ model: "m", input: "hi", max_output_tokens: 0 }, "max_output_tokens"],
  ];
  for (const [body, param] of cases) {
    test(`${JSON.stringify(body)} → 400 naming ${param}`, () => {
      try {
        parseResponsesRequest(body);
        throw new Error("expected a 400");
      } catch (err) {
        expect(err).toBeInstanceOf(GatewayError);
        expect((err as GatewayError).status).toBe(400);
        expect((err as GatewayError).extra.param).toBe(param);
      }
    });
  }
});
