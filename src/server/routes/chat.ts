import { Elysia } from "elysia";
import { chatCompletionsFormat } from "../../formats/detect.ts";
import { nativeFormat } from "../../formats/native.ts";
import { handleChat } from "../chat-handler.ts";
import type { GatewayServices } from "../services.ts";

export const chatRoutes = (s: GatewayServices) =>
  new Elysia({ name: "chat" })
    .post("/api/chat", ({ request }) => handleChat(s, nativeFormat, request), { parse: "none" })
    .post("/v1/chat/completions", ({ request }) => handleChat(s, chatCompletionsFormat(request.headers), request), { parse: "none" });
