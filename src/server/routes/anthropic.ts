import { Elysia } from "elysia";
import { anthropicFormat } from "../../formats/anthropic.ts";
import { countRequestTokens } from "../../formats/anthropic-count.ts";
import { parseAnthropicRequest } from "../../formats/anthropic-parse.ts";
import { errorResponse, handleChat } from "../chat-handler.ts";
import type { GatewayServices } from "../services.ts";

async function countTokens(s: GatewayServices, request: Request): Promise<Response> {
  try {
    const req = parseAnthropicRequest(await s.runtime.guard.readBody(request), { requireMaxTokens: false });
    return Response.json({ input_tokens: countRequestTokens(req) });
  } catch (err) {
    return errorResponse(anthropicFormat, err);
  }
}

export const anthropicRoutes = (s: GatewayServices) =>
  new Elysia({ name: "anthropic" })
    .post("/v1/messages", ({ request }) => handleChat(s, anthropicFormat, request), { parse: "none" })
    .post("/v1/messages/count_tokens", ({ request }) => countTokens(s, request), { parse: "none" });
