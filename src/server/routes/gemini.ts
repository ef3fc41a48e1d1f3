import { Elysia } from "elysia";
import { geminiFormat, geminiJsonArrayFormat } from "../../formats/gemini.ts";
import { GatewayError } from "../../pipeline/errors.ts";
import { errorResponse, handleChat } from "../chat-handler.ts";
import type { GatewayServices } from "../services.ts";

/** /v1beta/models/{model}:{action}; the model may itself be URL-encoded. */
function route(s: GatewayServices, request: Request): Promise<Response> | Response {
  const url = new URL(request.url);
  const raw = url.pathname.replace(/^\/v1beta\/models\//, "");
  let tail: string;
  try {
    tail = decodeURIComponent(raw);
  } catch {
    return errorResponse(geminiFormat, new GatewayError(400, "invalid_request", `the model path '${raw.slice(0, 200)}' is not valid percent-encoding`));
  }
  const m = /^(.+):(generateContent|streamGenerateContent)$/.exec(tail);
  if (!m) {
    return errorResponse(geminiFormat, new GatewayError(404, "not_found", `unsupported Gemini method '${tail}'; use {model}:generateContent or {model}:streamGenerateContent`));
  }
  const stream = m[2] === "streamGenerateContent";
  const format = stream && url.searchParams.get("alt") !== "sse" ? geminiJsonArrayFormat : geminiFormat;
  return handleChat(s, format, request, { pathModel: m[1], stream });
}

export const geminiRoutes = (s: GatewayServices) =>
  new Elysia({ name: "gemini" }).post("/v1beta/models/*", ({ request }) => route(s, request), { parse: "none" });
