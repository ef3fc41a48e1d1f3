// Anthropic content blocks ↔ canonical content parts, shared by the inbound format and the upstream client.
import { invalidRequest } from "../pipeline/errors.ts";
import type { ContentPart, FinishReason, ToolCall, Usage } from "../pipeline/types.ts";
import { expectObject, expectString, isObject, type Json } from "./validate.ts";

/** A data: URL split into its media type and base64 payload, or undefined for any other URL. */
export function splitDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return m ? { mediaType: m[1]!, data: m[2]! } : undefined;
}

export function imageFromSource(source: unknown, field: string): ContentPart {
  const s = expectObject(source, field);
  const kind = expectString(s.type, `${field}.type`);
  if (kind === "base64") {
    const mediaType = expectString(s.media_type, `${field}.media_type`, { nonEmpty: true });
    const data = expectString(s.data, `${field}.data`, { nonEmpty: true });
    return { type: "image", url: `data:${mediaType};base64,${data}`, mediaType };
  }
  if (kind === "url") return { type: "image", url: expectString(s.url, `${field}.url`, { nonEmpty: true }) };
  return { type: "opaque", format: "anthropic", value: { type: "image", source } };
}

export function imageToBlock(part: Extract<ContentPart, { type: "image" }>): Json {
  const inline = splitDataUrl(part.url);
  if (inline) return { type: "image", source: { type: "base64", media_type: inline.mediaType, data: inline.data } };
  return { type: "image", source: { type: "url", url: part.url } };
}

/** Canonical parts → Anthropic blocks (parts of other formats that Anthropic cannot express are dropped). */
export function partsToBlocks(parts: ContentPart[]): Json[] {
  return parts.flatMap((p): Json[] => {
    // an empty text part that only carried a Gemini signature has nothing to say to Anthropic
    if (p.type === "text") return p.text || !p.signature ? [{ type: "text", text: p.text }] : [];
    if (p.type === "image") return [imageToBlock(p)];
    // A thinking block is only accepted back by Anthropic with the signature it was issued with.
    if (p.type === "thinking") return p.signature ? [{ type: "thinking", thinking: p.text, signature: p.signature }] : [];
    if (p.format === "anthropic" && isObject(p.value)) return [p.value];
    return [];
  });
}

/** Tool input as canonical JSON text; input must be a JSON object. */
export function toolArguments(input: unknown, field: string): string {
  if (input === undefined) return "{}";
  if (!isObject(input)) throw invalidRequest(`'${field}' must be an object`, field);
  return JSON.stringify(input);
}

/** Canonical JSON-text arguments → the object Anthropic and Gemini expect (non-JSON text is wrapped). */
export function argumentsObject(args: string): Json {
  if (!args.trim()) return {};
  try {
    const parsed = JSON.parse(args);
    return isObject(parsed) ? parsed : { value: parsed };
  } catch {
    return { arguments: args };
  }
}

export function toolUseBlock(call: ToolCall): Json {
  return { type: "tool_use", id: call.id, name: call.name, input: argumentsObject(call.arguments) };
}

const STOP_REASON: Record<FinishReason, string> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  content_filter: "refusal",
  error: "end_turn",
};

export function stopReasonFor(finish: FinishReason, stopSequence?: string): string {
  return stopSequence !== undefined && finish === "stop" ? "stop_sequence" : STOP_REASON[finish];
}

export function finishFromStopReason(reason: unknown): FinishReason {
  switch (reason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      return "stop";
  }
}

export function anthropicUsage(u: Usage): Json {
  const read = u.cachedInputTokens ?? 0;
  const created = u.cacheCreationInputTokens ?? 0;
  return {
    input_tokens: Math.max(0, u.inputTokens - read - created),
    // both cache fields are always present in Anthropic's own answers (Claude Code reads them)
    cache_creation_input_tokens: created,
    cache_read_input_tokens: read,
    output_tokens: u.outputTokens,
  };
}

export function usageFromAnthropic(u: unknown): Usage | undefined {
  if (!isObject(u)) return undefined;
  const cached = Number(u.cache_read_input_tokens ?? 0);
  // Anthropic counts cache reads and writes apart from input_tokens; the canonical count is the whole prompt.
  const created = Number(u.cache_creation_input_tokens ?? 0);
  const input = Number(u.input_tokens ?? 0) + cached + created;
  return {
    inputTokens: input,
    outputTokens: Number(u.output_tokens ?? 0),
    ...(cached > 0 ? { cachedInputTokens: cached } : {}),
    ...(created > 0 ? { cacheCreationInputTokens: created } : {}),
  };
}
