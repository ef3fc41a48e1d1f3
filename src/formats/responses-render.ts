// Canonical response and errors → OpenAI Responses API shapes (the Response object and its output items).
import type { GatewayError } from "../pipeline/errors.ts";
import type { ChatRequest, ChatResponse, FinishReason, ToolCall, Usage } from "../pipeline/types.ts";
import { callIdWithSignature } from "./call-signature.ts";
import { openAIErrorType } from "./openai.ts";
import { declaredNamespaces, splitNamespaced } from "./responses-parse.ts";
import { isObject, type Json } from "./validate.ts";

/** Responses ids start with resp_; answers from other upstreams get their id re-prefixed (stable, so stored and rendered ids agree). */
export function responseId(id: string): string {
  return id.startsWith("resp_") ? id : `resp_${id.replace(/^(chatcmpl-|msg_)/, "")}`;
}

/** Output item ids derived from the response id, so a stream and its replay name items the same way. */
export const itemIds = (respId: string) => {
  const base = respId.replace(/^resp_/, "");
  return { message: `msg_${base}`, reasoning: `rs_${base}`, call: (i: number) => `fc_${base}_${i}` };
};

export function responsesUsage(u: Usage): Json {
  return {
    input_tokens: u.inputTokens,
    input_tokens_details: { cached_tokens: u.cachedInputTokens ?? 0 },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens ?? 0 },
    total_tokens: u.inputTokens + u.outputTokens,
  };
}

export const outputTextPart = (text: string): Json => ({ type: "output_text", text, annotations: [], logprobs: [] });

export function reasoningItem(id: string, text: string, signature: string | undefined): Json {
  return { id, type: "reasoning", summary: text ? [{ type: "summary_text", text }] : [], ...(signature ? { encrypted_content: signature } : {}) };
}

export function messageItem(id: string, text: string, status = "completed"): Json {
  return { id, type: "message", status, role: "assistant", content: [outputTextPart(text)] };
}

export function functionCallItem(id: string, call: Pick<ToolCall, "id" | "name" | "arguments" | "signature">, namespaces: string[], status = "completed"): Json {
  const { name, namespace } = splitNamespaced(call.name, namespaces);
  return { id, type: "function_call", status, arguments: call.arguments, call_id: callIdWithSignature(call.id, call.signature), name, ...(namespace ? { namespace } : {}) };
}

/** The output items of a canonical answer: reasoning first, then the message, then the function calls. */
export function outputItems(res: ChatResponse, respId: string, namespaces: string[] = []): Json[] {
  const ids = itemIds(respId);
  const out: Json[] = [];
  const thinking = res.message.content.filter((p) => p.type === "thinking");
  if (thinking.length) {
    const text = thinking.map((p) => p.text).join("");
    out.push(reasoningItem(ids.reasoning, text, thinking.findLast((p) => p.signature)?.signature));
  }
  for (const p of res.message.content) if (p.type === "opaque" && p.format === "responses" && isObject(p.value)) out.push(p.value);
  const text = res.message.content.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");
  // an answer with nothing else in it is still one (empty) message
  if (text || (out.length === 0 && !res.message.toolCalls?.length)) out.push(messageItem(ids.message, text));
  (res.message.toolCalls ?? []).forEach((c, i) => out.push(functionCallItem(ids.call(i), c, namespaces)));
  return out;
}

function statusOf(finish: FinishReason): { status: string; incomplete_details: Json | null } {
  if (finish === "length") return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  if (finish === "content_filter") return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  return { status: "completed", incomplete_details: null };
}

/**
 * The Response object around the given output. Request settings are echoed from the caller's body, as
 * the API does; previousResponseId is the one the caller named (the gateway expands it into the input).
 */
export function responseObject(
  req: ChatRequest,
  meta: { id: string; created: number; model: string; previousResponseId?: string },
  output: Json[],
  end?: { finish: FinishReason; usage: Usage },
): Json {
  const b = isObject(req.source.body) ? req.source.body : {};
  const reasoning = isObject(b.reasoning) ? b.reasoning : {};
  const state = end ? statusOf(end.finish) : { status: "in_progress", incomplete_details: null };
  return {
    id: meta.id,
    object: "response",
    created_at: meta.created,
    status: state.status,
    background: false,
    error: null,
    incomplete_details: state.incomplete_details,
    instructions: b.instructions ?? null,
    max_output_tokens: b.max_output_tokens ?? null,
    max_tool_calls: b.max_tool_calls ?? null,
    model: meta.model,
    output,
    parallel_tool_calls: b.parallel_tool_calls ?? true,
    previous_response_id: meta.previousResponseId ?? null,
    reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null },
    service_tier: b.service_tier ?? "default",
    store: b.store ?? true,
    temperature: b.temperature ?? 1,
    text: isObject(b.text) ? { format: { type: "text" }, ...b.text } : { format: { type: "text" } },
    tool_choice: b.tool_choice ?? "auto",
    tools: b.tools ?? [],
    top_p: b.top_p ?? 1,
    truncation: b.truncation ?? "disabled",
    usage: end ? responsesUsage(end.usage) : null,
    user: b.user ?? null,
    metadata: b.metadata ?? {},
  };
}

/** The whole non-streamed answer. A Responses upstream's own body is kept, with the id, time and model of this answer. */
export function renderResponsesResponse(res: ChatResponse, req: ChatRequest, previousResponseId?: string): Json {
  const id = responseId(res.id);
  if (res.wire?.format === "responses" && isObject(res.wire.body)) {
    return { ...res.wire.body, id, created_at: res.created, model: res.model, previous_response_id: previousResponseId ?? null };
  }
  const output = outputItems(res, id, declaredNamespaces(req.source.body));
  return responseObject(req, { id, created: res.created, model: res.model, previousResponseId }, output, { finish: res.finishReason, usage: res.usage });
}

/** Responses API errors have the Chat Completions shape and types. */
export function renderResponsesError(err: GatewayError): Json {
  return { error: { message: err.message, type: openAIErrorType(err.kind), param: err.extra.param ?? null, code: err.extra.code ?? null } };
}
