// Canonical parts, finish reasons and usage ↔ Gemini, shared by the inbound format and the upstream client.
import type { ContentPart, FinishReason, ToolCall, Usage } from "../pipeline/types.ts";
import { argumentsObject, splitDataUrl } from "./anthropic-blocks.ts";
import { isObject, type Json } from "./validate.ts";

export function partsToGemini(parts: ContentPart[]): Json[] {
  return parts.flatMap((p): Json[] => {
    if (p.type === "text") return [{ text: p.text, ...(p.signature ? { thoughtSignature: p.signature } : {}) }];
    if (p.type === "thinking") return [{ text: p.text, thought: true, ...(p.signature ? { thoughtSignature: p.signature } : {}) }];
    if (p.type === "image") {
      const inline = splitDataUrl(p.url);
      if (inline) return [{ inlineData: { mimeType: inline.mediaType, data: inline.data } }];
      return [{ fileData: { mimeType: p.mediaType ?? mimeFromUrl(p.url), fileUri: p.url } }];
    }
    if (p.format === "gemini" && isObject(p.value)) return [p.value];
    return [];
  });
}

function mimeFromUrl(url: string): string {
  const ext = /\.(png|jpe?g|gif|webp|heic|heif)(?:$|\?)/i.exec(url)?.[1]?.toLowerCase();
  if (!ext) return "image/jpeg";
  return ext === "jpg" ? "image/jpeg" : `image/${ext}`;
}

/** Prefix of the ids the gateway invents for Gemini function calls that came without one. */
export const INVENTED_CALL_ID = "call_isartor_";

/** The id to show Gemini, if any: invented ids and ids that only repeat the name (Gemini gave none) are left out. */
export function geminiCallId(id: string | undefined, name: string): { id?: string } {
  return id && id !== name && !id.startsWith(INVENTED_CALL_ID) ? { id } : {};
}

export function functionCallPart(call: ToolCall): Json {
  return {
    functionCall: { ...geminiCallId(call.id, call.name), name: call.name, args: argumentsObject(call.arguments) },
    ...(call.signature ? { thoughtSignature: call.signature } : {}),
  };
}

const FINISH: Record<FinishReason, string> = {
  stop: "STOP",
  length: "MAX_TOKENS",
  tool_calls: "STOP",
  content_filter: "SAFETY",
  error: "OTHER",
};

export const geminiFinishReason = (f: FinishReason) => FINISH[f];

export function finishFromGemini(reason: unknown, sawToolCall: boolean): FinishReason {
  if (reason === "MAX_TOKENS") return "length";
  if (reason === "SAFETY" || reason === "RECITATION" || reason === "BLOCKLIST" || reason === "PROHIBITED_CONTENT" || reason === "SPII" || reason === "IMAGE_SAFETY")
    return "content_filter";
  if (reason === "MALFORMED_FUNCTION_CALL" || reason === "UNEXPECTED_TOOL_CALL") return "error";
  return sawToolCall ? "tool_calls" : "stop";
}

export function geminiUsage(u: Usage): Json {
  return {
    promptTokenCount: u.inputTokens,
    candidatesTokenCount: u.outputTokens,
    totalTokenCount: u.inputTokens + u.outputTokens,
    ...(u.cachedInputTokens ? { cachedContentTokenCount: u.cachedInputTokens } : {}),
  };
}

export function usageFromGemini(u: unknown): Usage | undefined {
  if (!isObject(u)) return undefined;
  const cached = Number(u.cachedContentTokenCount ?? 0);
  return {
    inputTokens: Number(u.promptTokenCount ?? 0),
    // thinking tokens are billed as output
    outputTokens: Number(u.candidatesTokenCount ?? 0) + Number(u.thoughtsTokenCount ?? 0),
    ...(cached > 0 ? { cachedInputTokens: cached } : {}),
  };
}
