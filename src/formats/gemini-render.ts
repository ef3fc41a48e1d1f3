// Canonical response, stream events and errors → Gemini GenerateContentResponse shapes.
import type { ErrorKind, GatewayError } from "../pipeline/errors.ts";
import type { ChatResponse, FinishReason, StreamEvent, ToolCall, Usage } from "../pipeline/types.ts";
import { functionCallPart, geminiFinishReason, geminiUsage, partsToGemini } from "./gemini-parts.ts";
import { isObject, type Json } from "./validate.ts";

function candidateChunk(parts: Json[], meta: { id: string; model: string }, finish?: FinishReason, usage?: Usage): Json {
  return {
    candidates: [
      {
        content: { role: "model", parts: parts.length ? parts : [{ text: "" }] },
        ...(finish ? { finishReason: geminiFinishReason(finish) } : {}),
        index: 0,
      },
    ],
    ...(usage ? { usageMetadata: geminiUsage(usage) } : {}),
    modelVersion: meta.model,
    responseId: meta.id,
  };
}

export function renderGeminiResponse(res: ChatResponse): Json {
  // a Gemini upstream's own answer keeps every part field it had (thought signatures, citations, safety ratings)
  if (res.wire?.format === "gemini" && isObject(res.wire.body)) return { ...res.wire.body, modelVersion: res.model, responseId: res.id };
  const parts = [...partsToGemini(res.message.content), ...(res.message.toolCalls ?? []).map(functionCallPart)];
  return candidateChunk(parts, res, res.finishReason, res.usage);
}

const STATUS: Record<ErrorKind, string> = {
  invalid_request: "INVALID_ARGUMENT",
  authentication: "UNAUTHENTICATED",
  permission: "PERMISSION_DENIED",
  not_found: "NOT_FOUND",
  payload_too_large: "INVALID_ARGUMENT",
  rate_limit: "RESOURCE_EXHAUSTED",
  overloaded: "UNAVAILABLE",
  upstream: "INTERNAL",
  timeout: "DEADLINE_EXCEEDED",
  unavailable: "UNAVAILABLE",
  internal: "INTERNAL",
};

export function geminiErrorBody(code: number, kind: ErrorKind, message: string): Json {
  return { error: { code, message, status: STATUS[kind] ?? "INTERNAL" } };
}

export function renderGeminiError(err: GatewayError): Json {
  return geminiErrorBody(err.status, err.kind, err.message);
}

/**
 * Canonical events → Gemini stream chunks. Text and thinking go out as they arrive; a tool call is
 * held until its arguments are complete, because Gemini only ever sends whole function calls.
 */
export class GeminiChunkWriter {
  private meta = { id: "", model: "" };
  private readonly calls = new Map<number, ToolCall>();

  constructor(fallbackModel: string) {
    this.meta.model = fallbackModel;
  }

  private flushCalls(): Json[] {
    const parts = [...this.calls.entries()].sort(([a], [b]) => a - b).map(([, c]) => functionCallPart(c));
    this.calls.clear();
    return parts;
  }

  write(e: StreamEvent): Json[] {
    switch (e.type) {
      case "start":
        this.meta = { id: e.id, model: e.model || this.meta.model };
        return [];
      case "text":
        if (!e.text && !e.signature) return [];
        return [candidateChunk([{ text: e.text, ...(e.signature ? { thoughtSignature: e.signature } : {}) }], this.meta)];
      case "thinking":
        if (!e.text && !e.signature) return [];
        return [candidateChunk([{ text: e.text, thought: true, ...(e.signature ? { thoughtSignature: e.signature } : {}) }], this.meta)];
      case "tool_call_start":
        this.calls.set(e.index, { id: e.id, name: e.name, arguments: "", ...(e.signature ? { signature: e.signature } : {}) });
        return [];
      case "tool_call_delta": {
        const call = this.calls.get(e.index);
        if (call) call.arguments += e.arguments;
        return [];
      }
      case "item":
        // a Gemini part the canonical form has no name for (executableCode, …) goes out as it came
        return e.format === "gemini" && isObject(e.value) ? [candidateChunk([e.value], this.meta)] : [];
      case "finish":
        return [candidateChunk(this.flushCalls(), this.meta, e.finishReason, e.usage)];
      case "error":
        return [geminiErrorBody(e.status, e.errorType as ErrorKind, e.message)];
    }
  }
}
