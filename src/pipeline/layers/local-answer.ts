import type { RequestContext } from "../context.ts";
import { newId, nowSecs } from "../ids.ts";
import type { ChatResponse, FormatName } from "../types.ts";

/** A fresh id in the shape the caller's format uses for its own answers. */
function idFor(format: FormatName): string {
  if (format === "anthropic") return newId("msg_");
  if (format === "responses") return newId("resp_");
  // Gemini responseIds are bare URL-safe strings, no prefix
  if (format === "gemini") return crypto.randomUUID().replaceAll("-", "").slice(0, 22);
  return newId("chatcmpl-");
}

/** A stored or locally generated answer dressed as a fresh response: new id, now, the requested model. */
export function localAnswer(ctx: RequestContext, stored: ChatResponse): ChatResponse {
  return {
    ...stored,
    id: idFor(ctx.format),
    created: nowSecs(),
    model: ctx.request.model || ctx.model,
  };
}
