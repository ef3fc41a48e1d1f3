// fast-check generators of canonical requests and responses, limited to what a given format can express.
import fc from "fast-check";
import type { ChatRequest, ChatResponse, ContentPart, Message, ToolCall, ToolDefinition } from "../../src/pipeline/types.ts";

export type Flavor = "anthropic" | "gemini";

const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
const text = fc.string({ maxLength: 40 });
const jsonObject = fc.dictionary(word, fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 3 });
const base64 = fc.stringMatching(/^[A-Za-z0-9+/]{4,16}={0,2}$/);

const textPart = text.map((t): ContentPart => ({ type: "text", text: t }));
const imagePart = (flavor: Flavor) =>
  fc.oneof(
    fc.tuple(fc.constantFrom("image/png", "image/jpeg"), base64).map(([m, d]): ContentPart => ({ type: "image", url: `data:${m};base64,${d}`, mediaType: m })),
    word.map((w): ContentPart =>
      flavor === "anthropic" ? { type: "image", url: `https://example.com/${w}.png` } : { type: "image", url: `https://example.com/${w}.png`, mediaType: "image/png" },
    ),
  );
const thinkingPart = (flavor: Flavor) =>
  fc.tuple(text, flavor === "anthropic" ? word : fc.option(word, { nil: undefined })).map(([t, sig]): ContentPart => ({
    type: "thinking",
    text: t,
    ...(sig !== undefined ? { signature: sig } : {}),
  }));

const toolCall = (flavor: Flavor) =>
  fc.tuple(word, word, jsonObject, fc.boolean()).map(([id, name, args, idIsName]): ToolCall => ({
    // Gemini may give no id; the canonical form then uses the function name.
    id: flavor === "gemini" && idIsName ? name : `call_${id}`,
    name,
    arguments: JSON.stringify(args),
  }));

const userMessage = (flavor: Flavor) =>
  fc.array(fc.oneof(textPart, imagePart(flavor)), { minLength: 1, maxLength: 3 }).map((content): Message => ({ role: "user", content }));

const assistantMessage = (flavor: Flavor) =>
  fc
    .tuple(fc.array(fc.oneof(textPart, thinkingPart(flavor)), { maxLength: 3 }), fc.array(toolCall(flavor), { maxLength: 2 }))
    .map(([content, calls]): Message => ({ role: "assistant", content, ...(calls.length ? { toolCalls: calls } : {}) }));

const toolMessage = (flavor: Flavor) =>
  flavor === "anthropic"
    ? fc
        .tuple(word, fc.array(fc.oneof(textPart, imagePart(flavor)), { maxLength: 2 }), fc.boolean())
        .map(([id, content, isError]): Message => ({ role: "tool", toolCallId: `call_${id}`, content, ...(isError ? { isError } : {}) }))
    : fc.tuple(word, jsonObject).map(([name, response]): Message => ({ role: "tool", toolCallId: name, name, content: [{ type: "text", text: JSON.stringify(response) }] }));

const tool = fc
  .tuple(word, fc.option(text, { nil: undefined }), jsonObject)
  .map(([name, description, props]): ToolDefinition => ({
    name,
    ...(description !== undefined ? { description } : {}),
    parameters: { type: "object", properties: Object.fromEntries(Object.keys(props).map((k) => [k, { type: "string" }])) },
  }));

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

export function chatRequest(flavor: Flavor): fc.Arbitrary<ChatRequest> {
  const message = fc.oneof(userMessage(flavor), assistantMessage(flavor), toolMessage(flavor));
  return fc
    .record({
      model: word,
      system: fc.array(textPart, { maxLength: 2 }),
      messages: fc.array(message, { minLength: 1, maxLength: 6 }),
      tools: maybe(fc.array(tool, { minLength: 1, maxLength: 3 })),
      toolChoice: maybe(fc.oneof(fc.constantFrom("auto" as const, "none" as const, "required" as const), word.map((name) => ({ name })))),
      responseFormat:
        flavor === "gemini"
          ? maybe(fc.oneof(fc.constant({ type: "json_object" }), jsonObject.map((schema) => ({ type: "json_schema", json_schema: { name: "response", schema } }))))
          : fc.constant(undefined),
      temperature: maybe(fc.double({ min: 0, max: 1, noNaN: true })),
      topP: maybe(fc.double({ min: 0, max: 1, noNaN: true })),
      topK: maybe(fc.integer({ min: 1, max: 100 })),
      maxTokens: flavor === "anthropic" ? fc.integer({ min: 1, max: 8192 }) : maybe(fc.integer({ min: 1, max: 8192 })),
      stop: maybe(fc.array(word, { minLength: 1, maxLength: 3 })),
      seed: flavor === "gemini" ? maybe(fc.integer()) : fc.constant(undefined),
      stream: fc.boolean(),
    })
    .map((r) => {
      const params = Object.fromEntries(
        Object.entries({ temperature: r.temperature, topP: r.topP, topK: r.topK, maxTokens: r.maxTokens, stop: r.stop, seed: r.seed }).filter(([, v]) => v !== undefined),
      );
      return {
        model: r.model,
        system: r.system,
        messages: r.messages,
        ...(r.tools ? { tools: r.tools } : {}),
        ...(r.toolChoice ? { toolChoice: r.toolChoice } : {}),
        ...(r.responseFormat ? { responseFormat: r.responseFormat } : {}),
        params,
        stream: r.stream,
        extra: {},
        source: { format: flavor, body: null },
      };
    });
}

/** The canonical fields a format round-trip must preserve (source and extra are the format's own business). */
export const canonicalView = (r: ChatRequest) => ({ ...r, source: undefined, extra: undefined });

export function chatResponse(flavor: Flavor): fc.Arbitrary<ChatResponse> {
  return fc
    .record({
      id: word,
      model: word,
      text: fc.option(fc.string({ minLength: 1, maxLength: 60 }), { nil: undefined }),
      thinking: fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 30 }), word), { nil: undefined }),
      calls: fc.array(toolCall(flavor).filter((c) => c.id !== c.name), { maxLength: 2 }),
      finish: fc.constantFrom("stop" as const, "length" as const),
      input: fc.nat(5000),
      output: fc.nat(5000),
    })
    .map((r): ChatResponse => {
      const content: ContentPart[] = [];
      if (r.thinking) content.push({ type: "thinking", text: r.thinking[0], signature: r.thinking[1] });
      if (r.text) content.push({ type: "text", text: r.text });
      return {
        id: r.id,
        created: 1_700_000_000,
        model: r.model,
        message: { role: "assistant", content, ...(r.calls.length ? { toolCalls: r.calls } : {}) },
        finishReason: r.calls.length ? "tool_calls" : r.finish,
        usage: { inputTokens: r.input, outputTokens: r.output },
      };
    });
}
