// Outbound Anthropic Messages wire format: canonical request → upstream body, upstream response/events → canonical.
import { finishFromStopReason, partsToBlocks, toolUseBlock, usageFromAnthropic } from "../../formats/anthropic-blocks.ts";
import { isObject, type Json } from "../../formats/validate.ts";
import { newId, nowSecs } from "../../pipeline/ids.ts";
import type { ChatRequest, ChatResponse, ContentPart, FinishReason, Message, StreamChunk, StreamEvent, ToolCall } from "../../pipeline/types.ts";
import { assistantMessage, frameObject, usageOrEstimate } from "./canonical-answer.ts";

/** Anthropic requires max_tokens; used when a request from another format names none. */
export const DEFAULT_MAX_TOKENS = 4096;

function toolResultBlock(m: Message): Json {
  const content = partsToBlocks(m.content);
  return {
    type: "tool_result",
    tool_use_id: m.toolCallId ?? "",
    ...(content.length ? { content } : {}),
    ...(m.isError ? { is_error: true } : {}),
  };
}

/** Canonical turns → Anthropic messages: tool messages (and the user turn right after them) share one user message. */
export function messagesToAnthropic(messages: Message[]): Json[] {
  const out: Json[] = [];
  let pendingResults: Json[] | undefined;
  for (const m of messages) {
    if (m.role === "tool") {
      if (!pendingResults) {
        pendingResults = [];
        out.push({ role: "user", content: pendingResults });
      }
      pendingResults.push(toolResultBlock(m));
      continue;
    }
    if (m.role === "user" && pendingResults) {
      pendingResults.push(...partsToBlocks(m.content));
      pendingResults = undefined;
      continue;
    }
    pendingResults = undefined;
    const blocks = partsToBlocks(m.content);
    if (m.role === "assistant") blocks.push(...(m.toolCalls ?? []).map(toolUseBlock));
    // A system message in the middle of a conversation has no place in Anthropic's turns; it is sent as user text.
    out.push({ role: m.role === "assistant" ? "assistant" : "user", content: blocks });
  }
  return out;
}

/** The canonical request as an Anthropic body (no same-format shortcut: see toAnthropicBody). */
export function renderAnthropicRequest(req: ChatRequest, model: string, stream: boolean): Json {
  const p = req.params;
  const body: Json = { model, max_tokens: p.maxTokens ?? DEFAULT_MAX_TOKENS, messages: messagesToAnthropic(req.messages) };
  const system = partsToBlocks(req.system);
  if (system.length) body.system = system;
  if (p.temperature !== undefined) body.temperature = p.temperature;
  if (p.topP !== undefined) body.top_p = p.topP;
  if (p.topK !== undefined) body.top_k = p.topK;
  if (p.stop?.length) body.stop_sequences = p.stop;
  if (req.tools?.length) {
    body.tools = req.tools.map((t) => ({
      name: t.name,
      ...(t.description !== undefined ? { description: t.description } : {}),
      input_schema: t.parameters ?? { type: "object", properties: {} },
    }));
  }
  if (req.toolChoice) {
    const c = req.toolChoice;
    body.tool_choice = c === "auto" ? { type: "auto" } : c === "required" ? { type: "any" } : c === "none" ? { type: "none" } : { type: "tool", name: c.name };
  }
  if (stream) body.stream = true;
  return body;
}

/** The upstream body. A request that arrived in Anthropic format is forwarded as sent, with the model replaced. */
export function toAnthropicBody(req: ChatRequest, model: string, stream: boolean): Json {
  if (req.source.format === "anthropic") {
    const body: Json = { ...(req.source.body as Json), model };
    if (stream) body.stream = true;
    else delete body.stream;
    return body;
  }
  return renderAnthropicRequest(req, model, stream);
}

/** Assistant content blocks of a response → canonical parts and tool calls. */
export function blocksToAssistant(blocks: unknown): { content: ContentPart[]; toolCalls: ToolCall[] } {
  const content: ContentPart[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of Array.isArray(blocks) ? blocks : []) {
    if (!isObject(block)) continue;
    if (block.type === "text") content.push({ type: "text", text: String(block.text ?? "") });
    else if (block.type === "thinking")
      content.push({ type: "thinking", text: String(block.thinking ?? ""), ...(typeof block.signature === "string" ? { signature: block.signature } : {}) });
    else if (block.type === "tool_use")
      toolCalls.push({ id: String(block.id ?? newId("toolu_")), name: String(block.name ?? ""), arguments: JSON.stringify(isObject(block.input) ? block.input : {}) });
    else content.push({ type: "opaque", format: "anthropic", value: block });
  }
  return { content, toolCalls };
}

export function fromAnthropicResponse(json: unknown, estimate: (s: string) => number): ChatResponse {
  const body = isObject(json) ? json : {};
  const { content, toolCalls } = blocksToAssistant(body.content);
  return {
    id: String(body.id ?? newId("msg_")),
    created: nowSecs(),
    model: String(body.model ?? ""),
    message: assistantMessage(content, toolCalls),
    finishReason: finishFromStopReason(body.stop_reason),
    ...(typeof body.stop_sequence === "string" ? { stopSequence: body.stop_sequence } : {}),
    usage: usageOrEstimate(usageFromAnthropic(body.usage), content, estimate),
    wire: { format: "anthropic", body },
  };
}

/** The whole SSE frame, as a same-format caller receives it. */
export const anthropicFrame = (event: string, data: string) => `event: ${event}\ndata: ${data}\n\n`;

/**
 * Reads Anthropic stream events. Every upstream frame is passed on raw; the canonical finish comes
 * with message_stop, carrying the usage collected from message_start and message_delta.
 */
export class AnthropicStreamReader {
  /** usage fields as reported so far (message_start, then cumulative message_delta counts) */
  private rawUsage: Json = {};
  private finish: FinishReason | undefined;
  /** Anthropic block index → canonical tool call index */
  private readonly toolIndex = new Map<number, number>();
  private done = false;

  read(event: string | undefined, data: string): StreamChunk | undefined {
    if (this.done) return undefined;
    const name = event ?? "message";
    const raw = { format: "anthropic" as const, frame: anthropicFrame(name, data) };
    const json = frameObject(data);
    if (!json) return this.fail("upstream sent a stream event that is not JSON");
    const type = json.type ?? name;
    const events: StreamEvent[] = [];
    switch (type) {
      case "message_start": {
        const msg = isObject(json.message) ? json.message : {};
        if (isObject(msg.usage)) this.rawUsage = { ...msg.usage };
        events.push({ type: "start", id: String(msg.id ?? newId("msg_")), model: String(msg.model ?? ""), created: nowSecs() });
        break;
      }
      case "content_block_start": {
        const block = isObject(json.content_block) ? json.content_block : {};
        const index = Number(json.index ?? 0);
        if (block.type === "tool_use") {
          const toolIndex = this.toolIndex.size;
          this.toolIndex.set(index, toolIndex);
          events.push({ type: "tool_call_start", index: toolIndex, id: String(block.id ?? newId("toolu_")), name: String(block.name ?? "") });
          if (isObject(block.input) && Object.keys(block.input).length) events.push({ type: "tool_call_delta", index: toolIndex, arguments: JSON.stringify(block.input) });
        } else if (block.type === "text" && typeof block.text === "string" && block.text) events.push({ type: "text", text: block.text });
        else if (block.type === "thinking" && typeof block.thinking === "string" && block.thinking) events.push({ type: "thinking", text: block.thinking });
        break;
      }
      case "content_block_delta": {
        const delta = isObject(json.delta) ? json.delta : {};
        if (delta.type === "text_delta") events.push({ type: "text", text: String(delta.text ?? "") });
        else if (delta.type === "thinking_delta") events.push({ type: "thinking", text: String(delta.thinking ?? "") });
        else if (delta.type === "signature_delta") events.push({ type: "thinking", text: "", signature: String(delta.signature ?? "") });
        else if (delta.type === "input_json_delta") {
          const toolIndex = this.toolIndex.get(Number(json.index ?? 0));
          if (toolIndex !== undefined && delta.partial_json) events.push({ type: "tool_call_delta", index: toolIndex, arguments: String(delta.partial_json) });
        }
        break;
      }
      case "message_delta": {
        const delta = isObject(json.delta) ? json.delta : {};
        if (delta.stop_reason) this.finish = finishFromStopReason(delta.stop_reason);
        const u = isObject(json.usage) ? json.usage : {};
        for (const [k, v] of Object.entries(u)) if (typeof v === "number") this.rawUsage[k] = v;
        break;
      }
      case "message_stop":
        return this.stop(raw.frame);
      case "error": {
        const e = isObject(json.error) ? json.error : {};
        this.done = true;
        const status = e.type === "overloaded_error" ? 529 : 502;
        return { events: [{ type: "error", status, errorType: e.type === "overloaded_error" ? "overloaded" : "upstream", message: `upstream stream error: ${String(e.message ?? data)}` }], raw };
      }
      default:
        break;
    }
    return { events, raw };
  }

  private stop(frame: string): StreamChunk {
    if (this.finish === undefined) return this.fail("upstream sent message_stop without a stop_reason");
    this.done = true;
    return { events: [{ type: "finish", finishReason: this.finish, usage: usageFromAnthropic(this.rawUsage)! }], raw: { format: "anthropic", frame } };
  }

  /** The upstream body ended: complete only if message_stop came before. */
  end(): StreamChunk | undefined {
    if (this.done) return undefined;
    return this.fail("upstream stream ended before message_stop");
  }

  private fail(message: string): StreamChunk {
    this.done = true;
    return { events: [{ type: "error", status: 502, errorType: "upstream", message }] };
  }
}
