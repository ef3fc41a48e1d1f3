// Outbound OpenAI wire format: canonical request → upstream body, upstream response/chunks → canonical.
import type { ChatRequest, ChatResponse, ContentPart, FinishReason, Message, StreamChunk, StreamEvent, Usage } from "../../pipeline/types.ts";
import { newId, nowSecs } from "../../pipeline/ids.ts";
import { withoutCallSignatures } from "../../formats/call-signature.ts";

type Json = Record<string, unknown>;

function contentToOpenAI(parts: ContentPart[]): string | Json[] {
  if (parts.every((p) => p.type === "text")) return parts.map((p) => (p as { text: string }).text).join("");
  return parts.flatMap((p): Json[] => {
    if (p.type === "text") return [{ type: "text", text: p.text }];
    if (p.type === "image") return [{ type: "image_url", image_url: { url: p.url, ...(p.detail ? { detail: p.detail } : {}) } }];
    if (p.type === "opaque" && p.format === "openai") return [p.value as Json];
    return [];
  });
}

function messageToOpenAI(m: Message): Json {
  if (m.role === "tool") return { role: "tool", tool_call_id: m.toolCallId ?? "", content: contentToOpenAI(m.content) };
  const out: Json = { role: m.role, content: contentToOpenAI(m.content) };
  if (m.name) out.name = m.name;
  if (m.toolCalls?.length) {
    out.tool_calls = m.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } }));
    if (out.content === "") out.content = null;
  }
  return out;
}

/** The upstream body. A request that arrived in OpenAI format is forwarded as sent, with the model replaced. */
export function toOpenAIBody(req: ChatRequest, model: string, stream: boolean): Json {
  if (req.source.format === "openai") {
    const body: Json = { ...(req.source.body as Json), model, stream };
    if (body.messages !== undefined) body.messages = withoutCallSignatures(body.messages);
    if (stream) body.stream_options = { ...((body.stream_options as Json) ?? {}), include_usage: true };
    else delete body.stream_options;
    return body;
  }
  const messages: Json[] = [];
  if (req.system.length) messages.push({ role: "system", content: contentToOpenAI(req.system) });
  messages.push(...req.messages.map(messageToOpenAI));
  const p = req.params;
  const body: Json = { model, messages, stream };
  if (stream) body.stream_options = { include_usage: true };
  if (p.temperature !== undefined) body.temperature = p.temperature;
  if (p.topP !== undefined) body.top_p = p.topP;
  if (p.maxTokens !== undefined) body.max_tokens = p.maxTokens;
  if (p.seed !== undefined) body.seed = p.seed;
  if (p.stop?.length) body.stop = p.stop;
  if (p.n !== undefined) body.n = p.n;
  if (p.presencePenalty !== undefined) body.presence_penalty = p.presencePenalty;
  if (p.frequencyPenalty !== undefined) body.frequency_penalty = p.frequencyPenalty;
  if (req.tools?.length) {
    body.tools = req.tools.map((t) => ({
      type: "function",
      function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.parameters ?? { type: "object", properties: {} } },
    }));
  }
  if (req.toolChoice) body.tool_choice = typeof req.toolChoice === "string" ? req.toolChoice : { type: "function", function: { name: req.toolChoice.name } };
  if (req.responseFormat !== undefined) body.response_format = req.responseFormat;
  return body;
}

export function finishFromOpenAI(reason: unknown): FinishReason {
  switch (reason) {
    case "length":
      return "length";
    case "tool_calls":
    case "function_call":
      return "tool_calls";
    case "content_filter":
      return "content_filter";
    default:
      return "stop";
  }
}

export function usageFromOpenAI(u: unknown): Usage | undefined {
  if (!u || typeof u !== "object") return undefined;
  const usage = u as Json;
  const cached = (usage.prompt_tokens_details as Json | undefined)?.cached_tokens;
  return {
    inputTokens: Number(usage.prompt_tokens ?? 0),
    outputTokens: Number(usage.completion_tokens ?? 0),
    ...(typeof cached === "number" && cached > 0 ? { cachedInputTokens: cached } : {}),
  };
}

export function fromOpenAIResponse(json: unknown, estimate: (s: string) => number): ChatResponse {
  const body = (json ?? {}) as Json;
  const choice = ((body.choices as Json[] | undefined) ?? [])[0] ?? {};
  const msg = (choice.message as Json | undefined) ?? {};
  const content: ContentPart[] = [];
  const reasoning = msg.reasoning_content ?? msg.reasoning;
  if (typeof reasoning === "string" && reasoning) content.push({ type: "thinking", text: reasoning });
  if (typeof msg.content === "string" && msg.content) content.push({ type: "text", text: msg.content });
  const toolCalls = ((msg.tool_calls as Json[] | undefined) ?? []).map((c) => {
    const fn = (c.function as Json | undefined) ?? {};
    return { id: String(c.id ?? newId("call_")), name: String(fn.name ?? ""), arguments: String(fn.arguments ?? "") };
  });
  const text = typeof msg.content === "string" ? msg.content : "";
  return {
    id: String(body.id ?? newId("chatcmpl-")),
    created: Number(body.created ?? nowSecs()),
    model: String(body.model ?? ""),
    message: { role: "assistant", content, ...(toolCalls.length ? { toolCalls } : {}) },
    finishReason: finishFromOpenAI(choice.finish_reason),
    usage: usageFromOpenAI(body.usage) ?? { inputTokens: 0, outputTokens: estimate(text) },
    wire: { format: "openai", body },
  };
}

/**
 * Reads OpenAI stream chunks. The finish event is held back until usage (include_usage) or [DONE]
 * arrives, so it carries real token counts; a stream that ends without a finish reason is an error.
 */
export class OpenAIStreamReader {
  private started = false;
  private finish: FinishReason | undefined;
  private usage: Usage | undefined;
  private done = false;

  /** @param clientWantsUsage whether the caller itself asked for the usage chunk */
  constructor(private readonly clientWantsUsage: boolean) {}

  read(data: string): StreamChunk | undefined {
    if (this.done) return undefined;
    if (data.trim() === "[DONE]") return this.end();
    let json: Json;
    try {
      json = JSON.parse(data) as Json;
    } catch {
      return this.fail(502, "upstream sent a stream chunk that is not JSON");
    }
    if (json.error) {
      const e = json.error as Json;
      return this.fail(502, `upstream stream error: ${String(e.message ?? JSON.stringify(e))}`, data);
    }
    const events: StreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      events.push({ type: "start", id: String(json.id ?? newId("chatcmpl-")), model: String(json.model ?? ""), created: Number(json.created ?? nowSecs()) });
    }
    const choices = (json.choices as Json[] | undefined) ?? [];
    const usage = usageFromOpenAI(json.usage);
    if (usage) this.usage = usage;
    const choice = choices[0];
    if (choice) {
      const delta = (choice.delta as Json | undefined) ?? {};
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (typeof reasoning === "string" && reasoning) events.push({ type: "thinking", text: reasoning });
      if (typeof delta.content === "string" && delta.content) events.push({ type: "text", text: delta.content });
      for (const tc of (delta.tool_calls as Json[] | undefined) ?? []) {
        const index = Number(tc.index ?? 0);
        const fn = (tc.function as Json | undefined) ?? {};
        if (tc.id || fn.name) events.push({ type: "tool_call_start", index, id: String(tc.id ?? newId("call_")), name: String(fn.name ?? "") });
        if (typeof fn.arguments === "string" && fn.arguments) events.push({ type: "tool_call_delta", index, arguments: fn.arguments });
      }
      if (choice.finish_reason) this.finish = finishFromOpenAI(choice.finish_reason);
    }
    const usageOnly = choices.length === 0 && usage !== undefined;
    return { events, raw: { format: "openai", frame: usageOnly && !this.clientWantsUsage ? null : data } };
  }

  /** Called when the upstream body ends (with or without [DONE]). */
  end(): StreamChunk | undefined {
    if (this.done) return undefined;
    if (this.finish === undefined) return this.fail(502, "upstream stream ended before the answer was complete");
    this.done = true;
    return { events: [{ type: "finish", finishReason: this.finish, ...(this.usage ? { usage: this.usage } : {}) }], raw: { format: "openai", frame: null } };
  }

  private fail(status: number, message: string, frame?: string): StreamChunk {
    this.done = true;
    return { events: [{ type: "error", status, errorType: "upstream", message }], ...(frame ? { raw: { format: "openai", frame } } : {}) };
  }
}
