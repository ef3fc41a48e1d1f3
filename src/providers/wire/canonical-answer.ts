// Pieces every outbound wire format builds the same way when it turns an upstream answer into the
// canonical ChatResponse or reads one streamed frame.
import { isObject, type Json } from "../../formats/validate.ts";
import type { ContentPart, Message, ToolCall, Usage } from "../../pipeline/types.ts";

/** The assistant message of an answer: its parts, and its tool calls only when it made any. */
export function assistantMessage(content: ContentPart[], toolCalls: ToolCall[]): Message {
  return { role: "assistant", content, ...(toolCalls.length ? { toolCalls } : {}) };
}

/** The usage the upstream reported; without one, the answer's text is estimated as output (input unknown: 0). */
export function usageOrEstimate(reported: Usage | undefined, content: ContentPart[], estimate: (s: string) => number): Usage {
  if (reported) return reported;
  const text = content.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");
  return { inputTokens: 0, outputTokens: estimate(text) };
}

/** A stream frame's JSON as an object ({} for JSON that is not one), or undefined when the frame is not JSON. */
export function frameObject(data: string): Json | undefined {
  try {
    const parsed: unknown = JSON.parse(data);
    return isObject(parsed) ? parsed : {};
  } catch {
    return undefined;
  }
}
