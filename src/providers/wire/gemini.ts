// Outbound Gemini generateContent wire format: canonical request → upstream body, upstream response/chunks → canonical.
import { argumentsObject } from "../../formats/anthropic-blocks.ts";
import { finishFromGemini, functionCallPart, geminiCallId, INVENTED_CALL_ID, partsToGemini, usageFromGemini } from "../../formats/gemini-parts.ts";
import { isObject, type Json } from "../../formats/validate.ts";
import { newId, nowSecs } from "../../pipeline/ids.ts";
import type { ChatRequest, ChatResponse, ContentPart, FinishReason, Message, StreamChunk, StreamEvent, ToolCall, Usage } from "../../pipeline/types.ts";
import { assistantMessage, frameObject, usageOrEstimate } from "./canonical-answer.ts";

function functionResponsePart(m: Message, names: Map<string, string>): Json {
  const text = m.content.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");
  const name = m.name ?? names.get(m.toolCallId ?? "") ?? m.toolCallId ?? "";
  return { functionResponse: { ...geminiCallId(m.toolCallId, name), name, response: responseObject(text) } };
}

/** Gemini wants a JSON object as the function response; other text is wrapped. */
function responseObject(text: string): Json {
  try {
    const parsed = JSON.parse(text);
    if (isObject(parsed)) return parsed;
  } catch {
    // plain text
  }
  return { output: text };
}

/** Canonical turns → Gemini contents: consecutive tool results share one user content. */
export function contentsToGemini(messages: Message[]): Json[] {
  const names = new Map<string, string>();
  for (const m of messages) for (const c of m.toolCalls ?? []) names.set(c.id, c.name);
  const out: Json[] = [];
  let pending: Json[] | undefined;
  for (const m of messages) {
    if (m.role === "tool") {
      if (!pending) {
        pending = [];
        out.push({ role: "user", parts: pending });
      }
      pending.push(functionResponsePart(m, names));
      continue;
    }
    pending = undefined;
    const parts = partsToGemini(m.content);
    if (m.role === "assistant") parts.push(...(m.toolCalls ?? []).map(functionCallPart));
    out.push({ role: m.role === "assistant" ? "model" : "user", parts });
  }
  return out;
}

/** OpenAI-shaped canonical response_format → Gemini's JSON mode settings. */
function jsonMode(format: unknown): Json {
  if (!isObject(format)) return {};
  if (format.type === "json_object") return { responseMimeType: "application/json" };
  const schema = isObject(format.json_schema) ? format.json_schema.schema : undefined;
  if (format.type === "json_schema" && schema !== undefined) return { responseMimeType: "application/json", responseJsonSchema: schema };
  return {};
}

/** The canonical request as a Gemini body (no same-format shortcut: see toGeminiBody). */
export function renderGeminiRequest(req: ChatRequest): Json {
  const body: Json = { contents: contentsToGemini(req.messages) };
  const system = partsToGemini(req.system);
  if (system.length) body.systemInstruction = { parts: system };
  if (req.tools?.length) {
    body.tools = [
      {
        functionDeclarations: req.tools.map((t) => ({
          name: t.name,
          ...(t.description !== undefined ? { description: t.description } : {}),
          ...(t.parameters !== undefined ? { parametersJsonSchema: t.parameters } : {}),
        })),
      },
    ];
  }
  const c = req.toolChoice;
  if (c) {
    const config = c === "auto" ? { mode: "AUTO" } : c === "none" ? { mode: "NONE" } : c === "required" ? { mode: "ANY" } : { mode: "ANY", allowedFunctionNames: [c.name] };
    body.toolConfig = { functionCallingConfig: config };
  }
  const p = req.params;
  const generation: Json = {
    ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
    ...(p.topP !== undefined ? { topP: p.topP } : {}),
    ...(p.topK !== undefined ? { topK: p.topK } : {}),
    ...(p.maxTokens !== undefined ? { maxOutputTokens: p.maxTokens } : {}),
    ...(p.seed !== undefined ? { seed: p.seed } : {}),
    ...(p.stop?.length ? { stopSequences: p.stop } : {}),
    ...(p.n !== undefined ? { candidateCount: p.n } : {}),
    ...(p.presencePenalty !== undefined ? { presencePenalty: p.presencePenalty } : {}),
    ...(p.frequencyPenalty !== undefined ? { frequencyPenalty: p.frequencyPenalty } : {}),
    ...jsonMode(req.responseFormat),
  };
  if (Object.keys(generation).length) body.generationConfig = generation;
  return body;
}

/** The upstream body. A request that arrived in Gemini format is forwarded as sent (the model lives in the URL). */
export function toGeminiBody(req: ChatRequest): Json {
  if (req.source.format === "gemini") {
    const { model: _model, ...body } = req.source.body as Json;
    return body;
  }
  return renderGeminiRequest(req);
}

/** A response's first candidate → canonical parts and tool calls. */
export function candidateToAssistant(json: Json, nextToolId: () => string): { content: ContentPart[]; toolCalls: ToolCall[]; finish: unknown } {
  const candidate = Array.isArray(json.candidates) && isObject(json.candidates[0]) ? json.candidates[0] : {};
  const parts = isObject(candidate.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
  const content: ContentPart[] = [];
  const toolCalls: ToolCall[] = [];
  for (const p of parts) {
    if (!isObject(p)) continue;
    if (isObject(p.functionCall)) {
      const fc = p.functionCall;
      toolCalls.push({
        id: typeof fc.id === "string" && fc.id ? fc.id : nextToolId(),
        name: String(fc.name ?? ""),
        arguments: JSON.stringify(argumentsObject(JSON.stringify(fc.args ?? {}))),
        ...(typeof p.thoughtSignature === "string" ? { signature: p.thoughtSignature } : {}),
      });
    } else if (typeof p.text === "string" && p.thought === true)
      content.push({ type: "thinking", text: p.text, ...(typeof p.thoughtSignature === "string" ? { signature: p.thoughtSignature } : {}) });
    else if (typeof p.text === "string" && typeof p.thoughtSignature === "string") content.push({ type: "text", text: p.text, signature: p.thoughtSignature });
    else if (typeof p.text === "string" && p.thoughtSignature === undefined) {
      // Gemini pads chunks that carry only a finish reason with an empty text part.
      if (p.text) content.push({ type: "text", text: p.text });
    }
    else content.push({ type: "opaque", format: "gemini", value: p });
  }
  return { content, toolCalls, finish: candidate.finishReason };
}

export function fromGeminiResponse(json: unknown, estimate: (s: string) => number): ChatResponse {
  const body = isObject(json) ? json : {};
  const { content, toolCalls, finish } = candidateToAssistant(body, () => newId(INVENTED_CALL_ID));
  return {
    id: typeof body.responseId === "string" ? body.responseId : newId("chatcmpl-"),
    created: nowSecs(),
    model: String(body.modelVersion ?? ""),
    message: assistantMessage(content, toolCalls),
    finishReason: finishFromGemini(finish, toolCalls.length > 0),
    usage: usageOrEstimate(usageFromGemini(body.usageMetadata), content, estimate),
    wire: { format: "gemini", body },
  };
}

/**
 * Reads Gemini stream chunks (each a whole GenerateContentResponse). Gemini sends each function call
 * complete in one chunk; the finish event is emitted when the stream ends, with the last usage seen.
 */
export class GeminiStreamReader {
  private started = false;
  private finish: unknown;
  private usage: Usage | undefined;
  private toolCount = 0;
  private done = false;

  read(data: string): StreamChunk | undefined {
    if (this.done) return undefined;
    const json = frameObject(data);
    if (!json) return this.fail(502, "upstream sent a stream chunk that is not JSON");
    if (isObject(json.error)) {
      this.done = true;
      const status = Number(json.error.code ?? 502);
      return { events: [{ type: "error", status: status >= 400 ? status : 502, errorType: "upstream", message: `upstream stream error: ${String(json.error.message ?? data)}` }], raw: { format: "gemini", frame: data } };
    }
    const events: StreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      events.push({ type: "start", id: typeof json.responseId === "string" ? json.responseId : newId("chatcmpl-"), model: String(json.modelVersion ?? ""), created: nowSecs() });
    }
    const { content, toolCalls, finish } = candidateToAssistant(json, () => newId(INVENTED_CALL_ID));
    for (const part of content) {
      if (part.type === "text" && (part.text || part.signature)) events.push({ type: "text", text: part.text, ...(part.signature ? { signature: part.signature } : {}) });
      else if (part.type === "thinking") events.push({ type: "thinking", text: part.text, ...(part.signature ? { signature: part.signature } : {}) });
    }
    for (const call of toolCalls) {
      const index = this.toolCount++;
      events.push({ type: "tool_call_start", index, id: call.id, name: call.name, ...(call.signature ? { signature: call.signature } : {}) });
      events.push({ type: "tool_call_delta", index, arguments: call.arguments });
    }
    if (finish) this.finish = finish;
    const usage = usageFromGemini(json.usageMetadata);
    if (usage) this.usage = usage;
    return { events, raw: { format: "gemini", frame: data } };
  }

  end(): StreamChunk | undefined {
    if (this.done) return undefined;
    if (this.finish === undefined) return this.fail(502, "upstream stream ended before the answer was complete");
    this.done = true;
    const finishReason: FinishReason = finishFromGemini(this.finish, this.toolCount > 0);
    return { events: [{ type: "finish", finishReason, ...(this.usage ? { usage: this.usage } : {}) }], raw: { format: "gemini", frame: null } };
  }

  private fail(status: number, message: string): StreamChunk {
    this.done = true;
    return { events: [{ type: "error", status, errorType: "upstream", message }] };
  }
}
