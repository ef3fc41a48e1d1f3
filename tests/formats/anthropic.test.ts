// Anthropic Messages: parse ∘ render is the identity on canonical requests and responses, streams included.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { anthropicFormat } from "../../src/formats/anthropic.ts";
import { parseAnthropicRequest } from "../../src/formats/anthropic-parse.ts";
import { GatewayError } from "../../src/pipeline/errors.ts";
import { ResponseAssembler } from "../../src/pipeline/assemble.ts";
import { estimateTokens } from "../../src/pipeline/tokens.ts";
import { AnthropicStreamReader, fromAnthropicResponse, renderAnthropicRequest } from "../../src/providers/wire/anthropic.ts";
import { canonicalView, chatRequest, chatResponse } from "./arbitraries.ts";
import { renderedStream, sseMessages } from "./stream-text.ts";

// wire: the upstream's own body, kept for same-format callers; not part of what a round trip compares
const withoutCreated = <T extends { created: number }>(r: T) => ({ ...r, created: 0, wire: undefined });

describe("round trips", () => {
  test("request: parse(render(req)) keeps every canonical field, tools included", () => {
    fc.assert(
      fc.property(chatRequest("anthropic"), (req) => {
        const body = renderAnthropicRequest(req, req.model, req.stream);
        expect(canonicalView(parseAnthropicRequest(JSON.parse(JSON.stringify(body))))).toEqual(canonicalView(req));
      }),
      { numRuns: 300 },
    );
  });

  test("response: the upstream reader reads back what render wrote", () => {
    fc.assert(
      fc.property(chatResponse("anthropic"), (res) => {
        const wire = JSON.parse(JSON.stringify(anthropicFormat.render(res, {} as never, { layer: "l3" })));
        expect(withoutCreated(fromAnthropicResponse(wire, estimateTokens))).toEqual(withoutCreated(res));
      }),
      { numRuns: 200 },
    );
  });

  test("stream: renderStream's events, read by the upstream stream reader, assemble to the same response", async () => {
    const req = parseAnthropicRequest({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }], stream: true });
    await fc.assert(
      fc.asyncProperty(chatResponse("anthropic"), async (res) => {
        const reader = new AnthropicStreamReader();
        const assembler = new ResponseAssembler();
        for (const m of sseMessages(await renderedStream(anthropicFormat, res, req))) {
          for (const e of reader.read(m.event, m.data)?.events ?? []) assembler.add(e);
        }
        expect(withoutCreated(assembler.result(estimateTokens)!)).toEqual(withoutCreated(res));
      }),
      { numRuns: 100 },
    );
  });
});

describe("stream event sequence", () => {
  test("follows Anthropic's order: message_start, ping, blocks with start/delta/stop, message_delta, message_stop", async () => {
    const req = parseAnthropicRequest({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }], stream: true });
    const text = await renderedStream(
      anthropicFormat,
      {
        id: "msg_1",
        created: 1,
        model: "m",
        message: { role: "assistant", content: [{ type: "text", text: "Let me check." }], toolCalls: [{ id: "toolu_1", name: "f", arguments: '{"a":1}' }] },
        finishReason: "tool_calls",
        usage: { inputTokens: 5, outputTokens: 3 },
      },
      req,
    );
    const messages = sseMessages(text);
    expect(messages.map((m) => m.event)).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    for (const m of messages) expect(JSON.parse(m.data).type).toBe(m.event!);
    expect(JSON.parse(messages[5]!.data).content_block).toEqual({ type: "tool_use", id: "toolu_1", name: "f", input: {} });
    expect(JSON.parse(messages[6]!.data).delta).toEqual({ type: "input_json_delta", partial_json: '{"a":1}' });
    expect(JSON.parse(messages[8]!.data)).toEqual({ type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { input_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 3 } });
  });
});

describe("bad input names the field", () => {
  const bad = (body: unknown) => {
    try {
      parseAnthropicRequest(body);
    } catch (err) {
      return err as GatewayError;
    }
    throw new Error("expected a 400");
  };
  const base = { model: "claude", max_tokens: 10, messages: [{ role: "user", content: "hi" }] };

  test.each([
    [{ ...base, max_tokens: undefined }, "max_tokens"],
    [{ ...base, model: 3 }, "model"],
    [{ ...base, messages: [] }, "messages"],
    [{ ...base, messages: [{ role: "tool", content: "x" }] }, "messages[0].role"],
    [{ ...base, messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png" } }] }] }, "messages[0].content[0].source.data"],
    [{ ...base, messages: [{ role: "assistant", content: [{ type: "tool_use", id: "t", name: "f", input: "x" }] }] }, "messages[0].content[0].input"],
    [{ ...base, messages: [{ role: "user", content: [{ type: "tool_result" }] }] }, "messages[0].content[0].tool_use_id"],
    [{ ...base, tools: [{ name: "f" }] }, "tools[0].input_schema"],
    [{ ...base, tool_choice: { type: "sometimes" } }, "tool_choice.type"],
    [{ ...base, temperature: 1.5 }, "temperature"],
    [{ ...base, system: [{ text: "no type" }] }, "system[0].type"],
  ])("%j → 400 naming %s", (body, field) => {
    const err = bad(body);
    expect(err.status).toBe(400);
    expect(err.extra.param).toBe(field);
    expect(anthropicFormat.renderError(err)).toEqual({ type: "error", error: { type: "invalid_request_error", message: expect.stringContaining(field) } });
  });
});

test("server tools and parallel-call settings enter the request's extra (and so its cache key)", () => {
  const req = parseAnthropicRequest({
    model: "claude",
    max_tokens: 10,
    messages: [{ role: "user", content: "search" }],
    tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 3 }],
    tool_choice: { type: "auto", disable_parallel_tool_use: true },
    metadata: { user_id: "u" },
    thinking: { type: "enabled", budget_tokens: 1024 },
  });
  expect(req.tools).toBeUndefined();
  expect(req.extra).toEqual({
    server_tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 3 }],
    disable_parallel_tool_use: true,
    metadata: { user_id: "u" },
    thinking: { type: "enabled", budget_tokens: 1024 },
  });
});

test("an error event is rendered in Anthropic's error shape and ends the stream", async () => {
  const req = parseAnthropicRequest({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }], stream: true });
  async function* failing() {
    yield { events: [{ type: "start" as const, id: "msg_x", model: "m", created: 1 }, { type: "text" as const, text: "par" }] };
    yield { events: [{ type: "error" as const, status: 529, errorType: "overloaded", message: "busy" }] };
    yield { events: [{ type: "text" as const, text: "never" }] };
  }
  let text = "";
  for await (const frame of anthropicFormat.renderStream(failing(), req, { layer: "l3" })) text += frame;
  const last = sseMessages(text).at(-1)!;
  expect(last.event).toBe("error");
  expect(JSON.parse(last.data)).toEqual({ type: "error", error: { type: "overloaded_error", message: "busy" } });
  expect(text).not.toContain("never");
});
