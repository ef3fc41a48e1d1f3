import type { RequestContext } from "../context.ts";
import { newId, nowSecs } from "../ids.ts";
import type { ChatResponse } from "../types.ts";

/** A stored or locally generated answer dressed as a fresh response: new id, now, the requested model. */
export function localAnswer(ctx: RequestContext, stored: ChatResponse): ChatResponse {
  return {
    ...stored,
    id: newId(ctx.format === "anthropic" ? "msg_" : "chatcmpl-"),
    created: nowSecs(),
    model: ctx.request.model || ctx.model,
  };
}
