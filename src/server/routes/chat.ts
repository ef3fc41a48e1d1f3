import { Elysia } from "elysia";
import { cursorFormat, isCursorRequest } from "../../formats/cursor.ts";
import { isKiroRequest, kiroFormat } from "../../formats/kiro.ts";
import { nativeFormat } from "../../formats/native.ts";
import { openaiFormat } from "../../formats/openai.ts";
import type { WireFormat } from "../../formats/format.ts";
import { handleChat } from "../chat-handler.ts";
import type { GatewayServices } from "../services.ts";

/** Cursor and Kiro share /v1/chat/completions with plain OpenAI clients: detected by path, then headers (ADR-023). */
export function chatCompletionsFormat(headers: Headers): WireFormat {
  if (isCursorRequest(headers)) return cursorFormat;
  if (isKiroRequest(headers)) return kiroFormat;
  return openaiFormat;
}

export const chatRoutes = (s: GatewayServices) =>
  new Elysia({ name: "chat" })
    .post("/api/chat", ({ request }) => handleChat(s, nativeFormat, request), { parse: "none" })
    .post("/v1/chat/completions", ({ request }) => handleChat(s, chatCompletionsFormat(request.headers), request), { parse: "none" });
