// The chat routes as one table: every wire format's POST endpoint and the handler behind it. The
// Elysia app registers them (OpenAPI, the route list) and server.ts answers them before Elysia runs,
// since the hot path needs none of its per-request work (context object, hooks, response mapping).
import { anthropicFormat } from "../formats/anthropic.ts";
import { countRequestTokens } from "../formats/anthropic-count.ts";
import { parseAnthropicRequest } from "../formats/anthropic-parse.ts";
import { chatCompletionsFormat } from "../formats/detect.ts";
import { geminiFormat, geminiJsonArrayFormat } from "../formats/gemini.ts";
import { nativeFormat } from "../formats/native.ts";
import { createResponsesFormat } from "../formats/responses.ts";
import { ResponseHistory } from "../cache/response-history.ts";
import { GatewayError } from "../pipeline/errors.ts";
import { errorResponse, handleChat } from "./chat-handler.ts";
import { requestPath, requestSearch } from "./request-target.ts";
import type { GatewayServices } from "./services.ts";

export interface ChatRoute {
  /** an exact path, or a prefix ending in "/*" */
  path: string;
  handle(request: Request): Promise<Response> | Response;
}

export const GEMINI_MODELS_PREFIX = "/v1beta/models/";

export function chatRoutes(s: GatewayServices): ChatRoute[] {
  // recent Responses API answers, for previous_response_id
  const h = s.config.responses;
  const responsesFormat = createResponsesFormat(new ResponseHistory({ maxEntries: h.history_max_entries, ttlMs: h.history_ttl_secs * 1000, maxTotalChars: h.history_max_bytes }));
  return [
    { path: "/api/chat", handle: (r) => handleChat(s, nativeFormat, r) },
    { path: "/v1/chat/completions", handle: (r) => handleChat(s, chatCompletionsFormat(r.headers), r) },
    { path: "/v1/messages", handle: (r) => handleChat(s, anthropicFormat, r) },
    { path: "/v1/messages/count_tokens", handle: (r) => countTokens(s, r) },
    { path: "/v1/responses", handle: (r) => handleChat(s, responsesFormat, r) },
    { path: `${GEMINI_MODELS_PREFIX}*`, handle: (r) => gemini(s, r) },
  ];
}

async function countTokens(s: GatewayServices, request: Request): Promise<Response> {
  try {
    const req = parseAnthropicRequest(await s.runtime.guard.readBody(request), { requireMaxTokens: false });
    return Response.json({ input_tokens: countRequestTokens(req) });
  } catch (err) {
    return errorResponse(anthropicFormat, err);
  }
}

/** /v1beta/models/{model}:{action}; the model may itself be URL-encoded. */
function gemini(s: GatewayServices, request: Request): Promise<Response> | Response {
  const raw = requestPath(request).slice(GEMINI_MODELS_PREFIX.length);
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
  const format = stream && new URLSearchParams(requestSearch(request)).get("alt") !== "sse" ? geminiJsonArrayFormat : geminiFormat;
  return handleChat(s, format, request, { pathModel: m[1], stream });
}

/** The route for a POST path, or undefined (then Elysia routes it). */
export function chatRouteFinder(routes: ChatRoute[]): (path: string) => ChatRoute | undefined {
  const exact = new Map(routes.filter((r) => !r.path.endsWith("/*")).map((r) => [r.path, r]));
  const prefixes = routes.filter((r) => r.path.endsWith("/*")).map((r) => ({ prefix: r.path.slice(0, -1), route: r }));
  return (path) => exact.get(path) ?? prefixes.find((p) => path.startsWith(p.prefix))?.route;
}
