import { Elysia } from "elysia";
import { ResponseHistory } from "../../cache/response-history.ts";
import { createResponsesFormat } from "../../formats/responses.ts";
import { handleChat } from "../chat-handler.ts";
import type { GatewayServices } from "../services.ts";

/** POST /v1/responses (OpenAI Responses API); recent answers are kept for previous_response_id. */
export const responsesRoutes = (s: GatewayServices) => {
  const history = new ResponseHistory();
  return new Elysia({ name: "responses" }).post("/v1/responses", ({ request }) => handleChat(s, createResponsesFormat(history), request), { parse: "none" });
};
