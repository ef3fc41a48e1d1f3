// Which wire format an error for this request must be rendered in, decided from the path (and, on
// the shared OpenAI path, the IDE headers) before any route has run (ADR-023 detection order).
import { anthropicFormat } from "../formats/anthropic.ts";
import { cursorFormat, isCursorRequest } from "../formats/cursor.ts";
import type { WireFormat } from "../formats/format.ts";
import { geminiFormat } from "../formats/gemini.ts";
import { isKiroRequest, kiroFormat } from "../formats/kiro.ts";
import { nativeFormat } from "../formats/native.ts";
import { openaiFormat } from "../formats/openai.ts";

export function formatForRequest(path: string, headers: Headers): WireFormat {
  if (path.startsWith("/v1/messages")) return anthropicFormat;
  if (path.startsWith("/v1beta/")) return geminiFormat;
  if (path.startsWith("/api/chat")) return nativeFormat;
  if (isCursorRequest(headers)) return cursorFormat;
  if (isKiroRequest(headers)) return kiroFormat;
  return openaiFormat;
}
