// Cursor shares /v1/chat/completions with plain OpenAI clients; its requests are claimed by header
// before routing, so the OpenAI route stays unaware of IDE clients.
import { Elysia } from "elysia";
import { cursorFormat, isCursorRequest } from "../../formats/cursor.ts";
import { handleChat } from "../chat-handler.ts";
import type { GatewayServices } from "../services.ts";

export const isChatCompletions = (request: Request) => request.method === "POST" && new URL(request.url).pathname === "/v1/chat/completions";

export const cursorRoutes = (s: GatewayServices) =>
  new Elysia({ name: "cursor" }).onRequest(({ request }) => {
    if (isChatCompletions(request) && isCursorRequest(request.headers)) return handleChat(s, cursorFormat, request);
  });
