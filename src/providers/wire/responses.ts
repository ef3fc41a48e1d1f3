// Outbound OpenAI Responses API (an OpenAI upstream that serves POST /responses): a Responses caller's
// body goes as sent (model replaced); answers and events come back with their raw form kept.
import { namespacedName } from "../../formats/responses-parse.ts";
import { withoutCallSignatures } from "../../formats/call-signature.ts";
import { isObject, type Json } from "../../formats/validate.ts";
import { GatewayError } from "../../pipeline/errors.ts";
import { newId, nowSecs } from "../../pipeline/ids.ts";
import type { ChatRequest, ChatResponse, ContentPart, FinishReason, StreamChunk, StreamEvent, ToolCall, Usage } from "../../pipeline/types.ts";
import { assistantMessage, frameObject, usageOrEstimate } from "./canonical-answer.ts";

/** Whether this request must go to a Responses upstream as-is (it arrived in that format). */
export const isResponsesPassThrough = (req: ChatRequest) => req.source.format === "responses";

/**
 * Built-in tools (web_search, file_search, mcp, …) only an OpenAI Responses upstream can run: any other
 * upstream refuses the request clearly instead of silently dropping them.
 */
export function refuseBuiltinTools(req: ChatRequest, provider: string): void {
  const builtin = req.extra.builtin_tools;
  if (req.source.format !== "responses" || !Array.isArray(builtin) || builtin.length === 0) return;
  const types = [...new Set(builtin.map((t) => (isObject(t) ? String(t.type) : "?")))].join(", ");
  throw new GatewayError(400, "invalid_request", `built-in tools (${types}) need an OpenAI Responses upstream; provider '${provider}' cannot run them. Use function tools or route this model to an OpenAI provider.`, {
    param: "tools",
  });
}

export function toResponsesBody(req: ChatRequest, model: string, stream: boolean): Json {
  const body: Json = { ...(req.source.body as Json), model };
  if (body.input !== undefined) body.input = withoutCallSignatures(body.input);
  if (stream) body.stream = true;
  else delete body.stream;
  return body;
}

export function usageFromResponses(u: unknown): Usage | undefined {
  if (!isObject(u)) return undefined;
  const cached = isObject(u.input_tokens_details) ? Number(u.input_tokens_details.cached_tokens ?? 0) : 0;
  const reasoning = isObject(u.output_tokens_details) ? Number(u.output_tokens_details.reasoning_tokens ?? 0) : 0;
  return {
    inputTokens: Number(u.input_tokens ?? 0),
    outputTokens: Number(u.output_tokens ?? 0),
    ...(cached > 0 ? { cachedInputTokens: cached } : {}),
    ...(reasoning > 0 ? { reasoningTokens: reasoning } : {}),
  };
}

/** A function_call item's canonical tool name (namespaced calls carry their namespace in the name). */
const callName = (item: Json) => (typeof item.namespace === "string" && item.namespace ? namespacedName(item.namespace, String(item.name ?? "")) : String(item.name ?? ""));

function finishOf(response: Json, sawCall: boolean): FinishReason {
  if (response.status === "incomplete") {
    const reason = isObject(response.incomplete_details) ? response.incomplete_details.reason : undefined;
    return reason === "content_filter" ? "content_filter" : "length";
  }
  if (response.status === "failed") return "error";
  return sawCall ? "tool_calls" : "stop";
}

/** Output items → canonical assistant parts and calls; items the canonical form has no name for stay opaque. */
export function outputToAssistant(output: unknown): { content: ContentPart[]; toolCalls: ToolCall[] } {
  const content: ContentPart[] = [];
  const toolCalls: ToolCall[] = [];
  for (const item of Array.isArray(output) ? output : []) {
    if (!isObject(item)) continue;
    if (item.type === "message" && Array.isArray(item.content)) {
      for (const part of item.content) {
        const text = isObject(part) ? (part.type === "output_text" ? part.text : part.type === "refusal" ? part.refusal : undefined) : undefined;
        // an empty message (the answer was only tool calls or reasoning) adds nothing
        if (typeof text === "string" && text) content.push({ type: "text", text });
      }
    } else if (item.type === "reasoning") {
      const text = (Array.isArray(item.summary) ? item.summary : []).map((s) => (isObject(s) ? String(s.text ?? "") : "")).join("\n\n");
      content.push({ type: "thinking", text, ...(typeof item.encrypted_content === "string" ? { signature: item.encrypted_content } : {}) });
    } else if (item.type === "function_call") {
      toolCalls.push({ id: String(item.call_id ?? newId("call_")), name: callName(item), arguments: String(item.arguments ?? "") });
    } else content.push({ type: "opaque", format: "responses", value: item });
  }
  return { content, toolCalls };
}

export function fromResponsesResponse(json: unknown, estimate: (s: string) => number): ChatResponse {
  const body = isObject(json) ? json : {};
  const { content, toolCalls } = outputToAssistant(body.output);
  return {
    id: String(body.id ?? newId("resp_")),
    created: Number(body.created_at ?? nowSecs()),
    model: String(body.model ?? ""),
    message: assistantMessage(content, toolCalls),
    finishReason: finishOf(body, toolCalls.length > 0),
    usage: usageOrEstimate(usageFromResponses(body.usage), content, estimate),
    wire: { format: "responses", body },
  };
}

/** The whole SSE frame, as a same-format caller receives it. */
const responsesFrame = (event: string, data: string) => `event: ${event}\ndata: ${data}\n\n`;

/** Output item types the canonical events carry (deltas and calls); any other item is passed on whole. */
const CANONICAL_ITEMS = new Set(["message", "reasoning", "function_call"]);

/** Reads Responses API events; every frame is passed on raw, the canonical finish comes with response.completed. */
export class ResponsesStreamReader {
  private done = false;
  private toolCount = 0;
  /** output_index → canonical tool index */
  private readonly tools = new Map<number, number>();

  read(event: string | undefined, data: string): StreamChunk | undefined {
    if (this.done) return undefined;
    const json = frameObject(data);
    if (!json) return this.fail("upstream sent a stream event that is not JSON");
    const type = String(json.type ?? event ?? "");
    const raw = { format: "responses" as const, frame: responsesFrame(event ?? type, data) };
    const events: StreamEvent[] = [];
    const response = isObject(json.response) ? json.response : {};
    const item = isObject(json.item) ? json.item : {};
    switch (type) {
      case "response.created":
        events.push({ type: "start", id: String(response.id ?? newId("resp_")), model: String(response.model ?? ""), created: Number(response.created_at ?? nowSecs()) });
        break;
      case "response.output_text.delta":
      case "response.refusal.delta":
        if (typeof json.delta === "string" && json.delta) events.push({ type: "text", text: json.delta });
        break;
      case "response.reasoning_summary_text.delta":
        if (typeof json.delta === "string" && json.delta) events.push({ type: "thinking", text: json.delta });
        break;
      case "response.output_item.added":
        if (item.type === "function_call") {
          const index = this.toolCount++;
          this.tools.set(Number(json.output_index ?? 0), index);
          events.push({ type: "tool_call_start", index, id: String(item.call_id ?? newId("call_")), name: callName(item) });
        }
        break;
      case "response.output_item.done":
        if (item.type === "reasoning" && typeof item.encrypted_content === "string") events.push({ type: "thinking", text: "", signature: item.encrypted_content });
        // built-in tool calls and other items the canonical form has no name for are kept whole (as in a non-streamed answer)
        else if (typeof item.type === "string" && !CANONICAL_ITEMS.has(item.type)) events.push({ type: "item", format: "responses", value: item });
        break;
      case "response.function_call_arguments.delta": {
        const index = this.tools.get(Number(json.output_index ?? 0));
        if (index !== undefined && typeof json.delta === "string" && json.delta) events.push({ type: "tool_call_delta", index, arguments: json.delta });
        break;
      }
      case "response.completed":
      case "response.incomplete": {
        this.done = true;
        const usage = usageFromResponses(response.usage);
        events.push({ type: "finish", finishReason: finishOf(response, this.toolCount > 0), ...(usage ? { usage } : {}) });
        break;
      }
      case "response.failed": {
        this.done = true;
        const e = isObject(response.error) ? response.error : {};
        return { events: [{ type: "error", status: 502, errorType: "upstream", message: `upstream response failed: ${String(e.message ?? "unknown error")}` }], raw };
      }
      case "error":
        this.done = true;
        return { events: [{ type: "error", status: 502, errorType: "upstream", message: `upstream stream error: ${String(json.message ?? data)}` }], raw };
      default:
        break;
    }
    return { events, raw };
  }

  /** The upstream body ended: complete only if response.completed came before. */
  end(): StreamChunk | undefined {
    if (this.done) return undefined;
    return this.fail("upstream stream ended before response.completed");
  }

  private fail(message: string): StreamChunk {
    this.done = true;
    return { events: [{ type: "error", status: 502, errorType: "upstream", message }] };
  }
}
