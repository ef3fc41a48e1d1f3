// Kiro shares /v1/chat/completions with plain OpenAI clients; its requests are claimed by header before routing.
import { Elysia } from "elysia";
import { isKiroRequest, kiroFormat } from "../../formats/kiro.ts";
import { handleChat } from "../chat-handler.ts";
import type { GatewayServices } from "../services.ts";
import { isChatCompletions } from "./cursor.ts";

export const kiroRoutes = (s: GatewayServices) =>
  new Elysia({ name: "kiro" }).onRequest(({ request }) => {
    if (isChatCompletions(request) && isKiroRequest(request.headers)) return handleChat(s, kiroFormat, request);
  });
