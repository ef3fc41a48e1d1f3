// Which wire format a request speaks, decided from the path and, on the shared OpenAI path, the
// IDE headers (ADR-023 detection order). Routes use it to pick a parser; the auth gate and the 404
// handler use it to answer in the caller's error shape before any route has run.
import { anthropicFormat } from "./anthropic.ts";
import { cursorFormat, isCursorRequest } from "./cursor.ts";
import type { WireFormat } from "./format.ts";
import { geminiFormat } from "./gemini.ts";
import { isKiroRequest, kiroFormat } from "./kiro.ts";
import { nativeFormat } from "./native.ts";
import { openaiFormat } from "./openai.ts";

/** Cursor and Kiro share /v1/chat/completions with plain OpenAI clients. */
export function chatCompletionsFormat(headers: Headers): WireFormat {
  if (isCursorRequest(headers)) return cursorFormat;
  if (isKiroRequest(headers)) return kiroFormat;
  return openaiFormat;
}

export function formatForRequest(path: string, headers: Headers): WireFormat {
  if (path.startsWith("/v1/messages")) return anthropicFormat;
  if (path.startsWith("/v1beta/")) return geminiFormat;
  if (path.startsWith("/api/chat")) return nativeFormat;
  return chatCompletionsFormat(headers);
}
