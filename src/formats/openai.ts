// OpenAI Chat Completions wire format (POST /v1/chat/completions).
import { GatewayError, invalidRequest, type ErrorKind } from "../pipeline/errors.ts";
import type { ChatRequest, ChatResponse, ContentPart, FinishReason, Message, StreamEvent, ToolChoice, ToolDefinition, Usage } from "../pipeline/types.ts";
import { callIdWithSignature, splitCallId } from "./call-signature.ts";
import type { WireFormat } from "./format.ts";
import { sseFrame } from "./sse.ts";
import { expectArray, expectObject, expectString, extraFields, isObject, optionalBoolean, optionalNumber, optionalString, stopList, type Json } from "./validate.ts";

const KNOWN = new Set([
  "model",
  "messages",
  "tools",
  "tool_choice",
  "response_format",
  "temperature",
  "top_p",
  "max_tokens",
  "max_completion_tokens",
  "seed",
  "stop",
  "n",
  "presence_penalty",
  "frequency_penalty",
  "stream",
]);
const ROLES = new Set(["system", "developer", "user", "assistant", "tool", "function"]);

function parseContent(v: unknown, field: string): ContentPart[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return [{ type: "text", text: v }];
  return expectArray(v, field).map((raw, i): ContentPart => {
    const f = `${field}[${i}]`;
    const part = expectObject(raw, f);
    const type = expectString(part.type, `${f}.type`);
    if (type === "text") return { type: "text", text: expectString(part.text, `${f}.text`) };
    if (type === "image_url") {
      const image = isObject(part.image_url) ? part.image_url : { url: part.image_url };
      const url = expectString(image.url, `${f}.image_url.url`, { nonEmpty: true });
      const detail = optionalString(image.detail, `${f}.image_url.detail`);
      return { type: "image", url, ...(detail ? { detail } : {}) };
    }
    return { type: "opaque", format: "openai", value: part };
  });
}

function parseToolCalls(v: unknown, field: string) {
  if (v === undefined || v === null) return undefined;
  return expectArray(v, field).map((raw, i) => {
    const call = expectObject(raw, `${field}[${i}]`);
    const fn = expectObject(call.function, `${field}[${i}].function`);
    const { id, signature } = splitCallId(expectString(call.id, `${field}[${i}].id`));
    return {
      id,
      name: expectString(fn.name, `${field}[${i}].function.name`),
      arguments: typeof fn.arguments === "string" ? fn.arguments : JSON.stringify(fn.arguments ?? {}),
      ...(signature ? { signature } : {}),
    };
  });
}

function parseMessage(raw: unknown, field: string): Message {
  const m = expectObject(raw, field);
  const role = expectString(m.role, `${field}.role`);
  if (!ROLES.has(role)) throw invalidRequest(`'${field}.role' must be one of system, developer, user, assistant, tool; got '${role}'`, `${field}.role`);
  const content = parseContent(m.content, `${field}.content`);
  const name = optionalString(m.name, `${field}.name`);
  if (role === "tool" || role === "function") {
    const toolCallId = role === "tool" ? splitCallId(expectString(m.tool_call_id, `${field}.tool_call_id`)).id : (name ?? "");
    return { role: "tool", content, toolCallId, ...(name ? { name } : {}) };
  }
  const toolCalls = role === "assistant" ? parseToolCalls(m.tool_calls, `${field}.tool_calls`) : undefined;
  const empty = content.every((p) => p.type === "text" && p.text === "");
  if (role !== "assistant" && empty) throw invalidRequest(`'${field}.content' must not be empty`, `${field}.content`);
  return {
    role: role === "developer" ? "system" : (role as Message["role"]),
    content,
    ...(toolCalls?.length ? { toolCalls } : {}),
    ...(name ? { name } : {}),
  };
}

function parseTools(v: unknown): ToolDefinition[] | undefined {
  if (v === undefined || v === null) return undefined;
  return expectArray(v, "tools").map((raw, i) => {
    const tool = expectObject(raw, `tools[${i}]`);
    const fn = expectObject(tool.function, `tools[${i}].function`);
    return {
      name: expectString(fn.name, `tools[${i}].function.name`, { nonEmpty: true }),
      ...(fn.description !== undefined ? { description: expectString(fn.description, `tools[${i}].function.description`) } : {}),
      ...(fn.parameters !== undefined ? { parameters: fn.parameters } : {}),
    };
  });
}

function parseToolChoice(v: unknown): ToolChoice | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === "auto" || v === "none" || v === "required") return v;
  const choice = expectObject(v, "tool_choice");
  const fn = expectObject(choice.function, "tool_choice.function");
  return { name: expectString(fn.name, "tool_choice.function.name") };
}

export function parseOpenAIRequest(body: unknown): ChatRequest {
  const b = expectObject(body, "body");
  const rawMessages = expectArray(b.messages, "messages");
  if (rawMessages.length === 0) throw invalidRequest("'messages' must contain at least one message", "messages");
  const all = rawMessages.map((m, i) => parseMessage(m, `messages[${i}]`));
  const firstTurn = all.findIndex((m) => m.role !== "system");
  const leading = firstTurn < 0 ? all : all.slice(0, firstTurn);
  const messages = firstTurn < 0 ? [] : all.slice(firstTurn);
  if (messages.length === 0) throw invalidRequest("'messages' must contain at least one non-system message", "messages");
  const maxTokens =
    optionalNumber(b.max_completion_tokens, "max_completion_tokens", { min: 1, integer: true }) ??
    optionalNumber(b.max_tokens, "max_tokens", { min: 1, integer: true });
  return {
    model: b.model === undefined ? "" : expectString(b.model, "model"),
    system: leading.flatMap((m) => m.content),
    messages,
    tools: parseTools(b.tools),
    toolChoice: parseToolChoice(b.tool_choice),
    responseFormat: b.response_format ?? undefined,
    params: dropUndefined({
      temperature: optionalNumber(b.temperature, "temperature", { min: 0, max: 2 }),
      topP: optionalNumber(b.top_p, "top_p", { min: 0, max: 1 }),
      maxTokens,
      seed: optionalNumber(b.seed, "seed", { integer: true }),
      stop: stopList(b.stop, "stop"),
      n: optionalNumber(b.n, "n", { min: 1, max: 128, integer: true }),
      presencePenalty: optionalNumber(b.presence_penalty, "presence_penalty", { min: -2, max: 2 }),
      frequencyPenalty: optionalNumber(b.frequency_penalty, "frequency_penalty", { min: -2, max: 2 }),
    }),
    stream: optionalBoolean(b.stream, "stream") ?? false,
    extra: extraFields(b, KNOWN),
    source: { format: "openai", body },
  };
}

function dropUndefined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
}

const FINISH: Record<FinishReason, string> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool_calls",
  content_filter: "content_filter",
  error: "stop",
};

export function openAIUsage(u: Usage) {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    ...(u.cachedInputTokens ? { prompt_tokens_details: { cached_tokens: u.cachedInputTokens } } : {}),
  };
}

export function renderOpenAIResponse(res: ChatResponse): Json {
  // an OpenAI upstream's own answer keeps what the canonical form has no name for (system_fingerprint,
  // service_tier, annotations, refusal, logprobs, every choice); only id, created and model are this answer's
  if (res.wire?.format === "openai" && isObject(res.wire.body)) return { ...res.wire.body, id: res.id, created: res.created, model: res.model };
  const text = res.message.content.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");
  const reasoning = res.message.content.flatMap((p) => (p.type === "thinking" ? [p.text] : [])).join("");
  const calls = res.message.toolCalls ?? [];
  return {
    id: res.id,
    object: "chat.completion",
    created: res.created,
    model: res.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: text || (calls.length ? null : ""),
          refusal: null,
          ...(reasoning ? { reasoning_content: reasoning } : {}),
          ...(calls.length
            ? { tool_calls: calls.map((c) => ({ id: callIdWithSignature(c.id, c.signature), type: "function", function: { name: c.name, arguments: c.arguments } })) }
            : {}),
        },
        logprobs: null,
        finish_reason: FINISH[res.finishReason],
      },
    ],
    usage: openAIUsage(res.usage),
  };
}

const ERROR_TYPE: Record<ErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "not_found_error",
  payload_too_large: "invalid_request_error",
  rate_limit: "rate_limit_error",
  overloaded: "overloaded_error",
  upstream: "api_error",
  timeout: "timeout_error",
  unavailable: "service_unavailable",
  internal: "internal_error",
};

/** The OpenAI error type of a gateway error kind (the Responses API uses the same types). */
export const openAIErrorType = (kind: ErrorKind) => ERROR_TYPE[kind] ?? "api_error";

export function renderOpenAIError(err: GatewayError) {
  return {
    error: {
      message: err.message,
      type: openAIErrorType(err.kind),
      param: err.extra.param ?? null,
      code: err.extra.code ?? (err.kind === "payload_too_large" ? "payload_too_large" : null),
    },
  };
}

/** Whether the caller asked for the usage chunk (stream_options.include_usage). */
export function wantsUsage(req: ChatRequest): boolean {
  const body = req.source.body;
  return isObject(body) && isObject(body.stream_options) && body.stream_options.include_usage === true;
}

/** Canonical events → OpenAI chunk objects (no framing). */
export class OpenAIChunkWriter {
  private id = "";
  private model = "";
  private created = 0;

  /** @param includeUsage send usage, as OpenAI does, in its own last chunk with `choices: []` (only when the caller asked) */
  constructor(
    fallbackModel: string,
    private readonly includeUsage = false,
  ) {
    this.model = fallbackModel;
  }

  private chunk(delta: Json, finish: string | null = null, extra: Json = {}): Json {
    return {
      id: this.id,
      object: "chat.completion.chunk",
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...extra,
    };
  }

  write(e: StreamEvent): Json[] {
    if (e.type !== "finish") {
      const one = this.writeOne(e);
      return one ? [one] : [];
    }
    const out = [this.chunk({}, FINISH[e.finishReason])];
    if (this.includeUsage && e.usage) out.push({ id: this.id, object: "chat.completion.chunk", created: this.created, model: this.model, choices: [], usage: openAIUsage(e.usage) });
    return out;
  }

  private writeOne(e: Exclude<StreamEvent, { type: "finish" }>): Json | undefined {
    switch (e.type) {
      case "start":
        this.id = e.id;
        this.model = e.model || this.model;
        this.created = e.created;
        return this.chunk({ role: "assistant", content: "" });
      case "text":
        return this.chunk({ content: e.text });
      case "thinking":
        return this.chunk({ reasoning_content: e.text });
      case "tool_call_start":
        return this.chunk({ tool_calls: [{ index: e.index, id: callIdWithSignature(e.id, e.signature), type: "function", function: { name: e.name, arguments: "" } }] });
      case "tool_call_delta":
        return this.chunk({ tool_calls: [{ index: e.index, function: { arguments: e.arguments } }] });
      case "error":
        return renderOpenAIError(new GatewayError(e.status, e.errorType as ErrorKind, e.message));
    }
  }
}

export const openaiFormat: WireFormat = {
  name: "openai",
  parse: (body) => parseOpenAIRequest(body),
  render: (res) => renderOpenAIResponse(res),
  streamContentType: () => "text/event-stream; charset=utf-8",
  async *renderStream(chunks, req) {
    const writer = new OpenAIChunkWriter(req.model, wantsUsage(req));
    for await (const chunk of chunks) {
      if (chunk.raw?.format === "openai") {
        if (chunk.raw.frame !== null) yield sseFrame(chunk.raw.frame);
        if (chunk.events.some((e) => e.type === "error")) return;
        continue;
      }
      for (const event of chunk.events) {
        for (const out of writer.write(event)) yield sseFrame(JSON.stringify(out));
        if (event.type === "error") return;
      }
    }
    yield sseFrame("[DONE]");
  },
  renderError: (err) => renderOpenAIError(err),
};
