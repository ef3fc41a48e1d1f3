// An answer the caller could not use must not be stored, or every retry gets it again (DESIGN rule 3):
// a JSON-mode answer (response_format json_object / json_schema) that is not valid JSON stays out of the caches.
import type { ChatRequest, ChatResponse } from "./types.ts";

function wantsJson(format: unknown): boolean {
  if (!format || typeof format !== "object") return false;
  const type = (format as { type?: unknown }).type;
  return type === "json_object" || type === "json_schema";
}

export function isUsableAnswer(req: ChatRequest, res: ChatResponse): boolean {
  if (res.finishReason === "error") return false;
  if (!wantsJson(req.responseFormat) || res.message.toolCalls?.length) return true;
  const text = res.message.content.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
