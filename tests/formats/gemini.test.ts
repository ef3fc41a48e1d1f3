// Gemini generateContent: parse ∘ render is the identity on canonical requests and responses, streams included.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { geminiFormat, geminiJsonArrayFormat } from "../../src/formats/gemini.ts";
import { parseGeminiRequest } from "../../src/formats/gemini-parse.ts";
import { GatewayError } from "../../src/pipeline/errors.ts";
import { ResponseAssembler } from "../../src/pipeline/assemble.ts";
import { estimateTokens } from "../../src/pipeline/tokens.ts";
import type { ChatResponse } from "../../src/pipeline/types.ts";
import { fromGeminiResponse, GeminiStreamReader, renderGeminiRequest } from "../../src/providers/wire/gemini.ts";
import { canonicalView, chatRequest, chatResponse } from "./arbitraries.ts";
import { renderedStream, sseMessages } from "./stream-text.ts";

// wire: the upstream's own body, kept for same-format callers; not part of what a round trip compares
const withoutCreated = <T extends { created: number }>(r: T) => ({ ...r, created: 0, wire: undefined });
const streamReq = parseGeminiRequest({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }, { pathModel: "gemini-2.5-flash", stream: true });

function assemble(datas: string[]): ChatResponse | undefined {
  const reader = new GeminiStreamReader();
  const assembler = new ResponseAssembler();
  for (const d of datas) for (const e of reader.read(d)?.events ?? []) assembler.add(e);
  for (const e of reader.end()?.events ?? []) assembler.add(e);
  return assembler.result(estimateTokens);
}

describe("round trips", () => {
  test("request: parse(render(req)) keeps every canonical field, function calls and responses included", () => {
    fc.assert(
      fc.property(chatRequest("gemini"), (req) => {
        const body = JSON.parse(JSON.stringify(renderGeminiRequest(req)));
        expect(canonicalView(parseGeminiRequest(body, { pathModel: req.model, stream: req.stream }))).toEqual(canonicalView(req));
      }),
      { numRuns: 300 },
    );
  });

  test("response: the upstream reader reads back what render wrote", () => {
    fc.assert(
      fc.property(chatResponse("gemini"), (res) => {
        const wire = JSON.parse(JSON.stringify(geminiFormat.render(res, streamReq, { layer: "l3" })));
        expect(withoutCreated(fromGeminiResponse(wire, estimateTokens))).toEqual(withoutCreated(res));
      }),
      { numRuns: 200 },
    );
  });

  test("stream (alt=sse): chunks read by the upstream reader assemble to the same response", async () => {
    await fc.assert(
      fc.asyncProperty(chatResponse("gemini"), async (res) => {
        const datas = sseMessages(await renderedStream(geminiFormat, res, streamReq)).map((m) => m.data);
        expect(withoutCreated(assemble(datas)!)).toEqual(withoutCreated(res));
      }),
      { numRuns: 100 },
    );
  });

  test("stream (JSON array): the body is one JSON array of the same chunks", async () => {
    await fc.assert(
      fc.asyncProperty(chatResponse("gemini"), async (res) => {
        const array = JSON.parse(await renderedStream(geminiJsonArrayFormat, res, streamReq)) as unknown[];
        expect(withoutCreated(assemble(array.map((c) => JSON.stringify(c)))!)).toEqual(withoutCreated(res));
      }),
      { numRuns: 100 },
    );
  });
});

test("a streamed function call is sent whole, in the final chunk with finishReason and usage", async () => {
  const text = await renderedStream(
    geminiFormat,
    {
      id: "r1",
      created: 1,
      model: "gemini-2.5-flash",
      message: { role: "assistant", content: [{ type: "text", text: "Looking." }], toolCalls: [{ id: "call_1", name: "f", arguments: '{"a":1}' }] },
      finishReason: "tool_calls",
      usage: { inputTokens: 4, outputTokens: 2 },
    },
    streamReq,
  );
  const chunks = sseMessages(text).map((m) => JSON.parse(m.data));
  expect(chunks).toEqual([
    { candidates: [{ content: { role: "model", parts: [{ text: "Looking." }] }, index: 0 }], modelVersion: "gemini-2.5-flash", responseId: "r1" },
    {
      candidates: [{ content: { role: "model", parts: [{ functionCall: { id: "call_1", name: "f", args: { a: 1 } } }] }, finishReason: "STOP", index: 0 }],
      usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2, totalTokenCount: 6 },
      modelVersion: "gemini-2.5-flash",
      responseId: "r1",
    },
  ]);
});

test("snake_case fields, systemInstruction as text and other tools are accepted", () => {
  const req = parseGeminiRequest(
    {
      system_instruction: { parts: [{ text: "be terse" }] },
      contents: [{ role: "user", parts: [{ inline_data: { mime_type: "image/png", data: "AAAA" } }] }],
      generation_config: { max_output_tokens: 7, thinkingConfig: { thinkingBudget: 0 } },
      tools: [{ googleSearch: {} }],
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
    },
    { pathModel: "models/gemini-2.5-pro" },
  );
  expect(req.model).toBe("gemini-2.5-pro");
  expect(req.system).toEqual([{ type: "text", text: "be terse" }]);
  expect(req.messages[0]!.content).toEqual([{ type: "image", url: "data:image/png;base64,AAAA", mediaType: "image/png" }]);
  expect(req.params).toEqual({ maxTokens: 7 });
  expect(req.extra).toEqual({
    other_tools: [{ googleSearch: {} }],
    generationConfig: { thinkingConfig: { thinkingBudget: 0 } },
    safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
  });
});

describe("bad input names the field", () => {
  const bad = (body: unknown) => {
    try {
      parseGeminiRequest(body, { pathModel: "gemini-2.5-flash" });
    } catch (err) {
      return err as GatewayError;
    }
    throw new Error("expected a 400");
  };
  const contents = [{ role: "user", parts: [{ text: "hi" }] }];

  test.each([
    [{}, "contents"],
    [{ contents: [] }, "contents"],
    [{ contents: [{ role: "system", parts: [{ text: "x" }] }] }, "contents[0].role"],
    [{ contents: [{ role: "user", parts: "hi" }] }, "contents[0].parts"],
    [{ contents: [{ role: "model", parts: [{ functionCall: { args: {} } }] }] }, "contents[0].parts[0].functionCall.name"],
    [{ contents: [{ role: "user", parts: [{ functionResponse: { name: "f", response: "ok" } }] }] }, "contents[0].parts[0].functionResponse.response"],
    [{ contents, generationConfig: { temperature: "hot" } }, "generationConfig.temperature"],
    [{ contents, tools: [{ functionDeclarations: [{ description: "no name" }] }] }, "tools[0].functionDeclarations[0].name"],
    [{ contents, toolConfig: { functionCallingConfig: { mode: "SOMETIMES" } } }, "toolConfig.functionCallingConfig.mode"],
  ])("%j → 400 naming %s", (body, field) => {
    const err = bad(body);
    expect(err.status).toBe(400);
    expect(err.extra.param).toBe(field);
    expect(geminiFormat.renderError(err)).toEqual({ error: { code: 400, message: expect.stringContaining(field), status: "INVALID_ARGUMENT" } });
  });
});
