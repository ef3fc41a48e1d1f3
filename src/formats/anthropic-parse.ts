// Anthropic Messages request (POST /v1/messages) → canonical request.
import { invalidRequest } from "../pipeline/errors.ts";
import type { ChatRequest, ContentPart, Message, ToolCall, ToolChoice, ToolDefinition } from "../pipeline/types.ts";
import { imageFromSource, toolArguments } from "./anthropic-blocks.ts";
import { expectArray, expectObject, expectString, extraFields, optionalBoolean, optionalNumber, optionalString, stopList, type Json } from "./validate.ts";

const KNOWN = new Set(["model", "system", "messages", "tools", "tool_choice", "max_tokens", "temperature", "top_p", "top_k", "stop_sequences", "stream"]);

function textBlock(block: Json, field: string): ContentPart {
  return { type: "text", text: expectString(block.text, `${field}.text`) };
}

/** One content block of a user/assistant turn that is neither tool_use nor tool_result. */
function contentBlock(block: Json, field: string): ContentPart {
  switch (block.type) {
    case "text":
      // cache_control and citations do not change the canonical meaning; the source body keeps them for same-format upstreams.
      return textBlock(block, field);
    case "image":
      return imageFromSource(block.source, `${field}.source`);
    case "thinking":
      return {
        type: "thinking",
        text: expectString(block.thinking, `${field}.thinking`),
        ...(block.signature !== undefined ? { signature: expectString(block.signature, `${field}.signature`) } : {}),
      };
    default:
      return { type: "opaque", format: "anthropic", value: block };
  }
}

function blocksOf(content: unknown, field: string): Json[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return expectArray(content, field).map((b, i) => {
    const block = expectObject(b, `${field}[${i}]`);
    expectString(block.type, `${field}[${i}].type`);
    return block;
  });
}

function toolResult(block: Json, field: string): Message {
  const id = expectString(block.tool_use_id, `${field}.tool_use_id`, { nonEmpty: true });
  const content = block.content === undefined ? [] : blocksOf(block.content, `${field}.content`).map((b, i) => contentBlock(b, `${field}.content[${i}]`));
  const isError = optionalBoolean(block.is_error, `${field}.is_error`);
  return { role: "tool", content, toolCallId: id, ...(isError ? { isError } : {}) };
}

/** A user turn: its tool_result blocks become tool messages, the rest one user message after them. */
function userTurn(blocks: Json[], field: string): Message[] {
  const out: Message[] = [];
  const rest: ContentPart[] = [];
  blocks.forEach((block, i) => {
    if (block.type === "tool_result") out.push(toolResult(block, `${field}[${i}]`));
    else rest.push(contentBlock(block, `${field}[${i}]`));
  });
  if (rest.length || out.length === 0) out.push({ role: "user", content: rest });
  return out;
}

function assistantTurn(blocks: Json[], field: string): Message {
  const content: ContentPart[] = [];
  const toolCalls: ToolCall[] = [];
  blocks.forEach((block, i) => {
    const f = `${field}[${i}]`;
    if (block.type === "tool_use") {
      toolCalls.push({
        id: expectString(block.id, `${f}.id`, { nonEmpty: true }),
        name: expectString(block.name, `${f}.name`, { nonEmpty: true }),
        arguments: toolArguments(block.input, `${f}.input`),
      });
    } else content.push(contentBlock(block, f));
  });
  return { role: "assistant", content, ...(toolCalls.length ? { toolCalls } : {}) };
}

function parseMessages(v: unknown): Message[] {
  const raw = expectArray(v, "messages");
  if (raw.length === 0) throw invalidRequest("'messages' must contain at least one message", "messages");
  return raw.flatMap((r, i) => {
    const field = `messages[${i}]`;
    const m = expectObject(r, field);
    const role = expectString(m.role, `${field}.role`);
    if (role !== "user" && role !== "assistant" && role !== "system") throw invalidRequest(`'${field}.role' must be 'user', 'assistant' or 'system', got '${role}'`, `${field}.role`);
    if (m.content === undefined) throw invalidRequest(`'${field}.content' is required`, `${field}.content`);
    const blocks = blocksOf(m.content, `${field}.content`);
    // newer Claude models take system messages between the turns (Claude Code sends them); they stay in place
    if (role === "system") return [{ role: "system", content: blocks.map((b, j) => contentBlock(b, `${field}.content[${j}]`)) }];
    return role === "user" ? userTurn(blocks, `${field}.content`) : [assistantTurn(blocks, `${field}.content`)];
  });
}

function parseSystem(v: unknown): ContentPart[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return v ? [{ type: "text", text: v }] : [];
  return expectArray(v, "system").map((b, i) => {
    const block = expectObject(b, `system[${i}]`);
    expectString(block.type, `system[${i}].type`);
    return contentBlock(block, `system[${i}]`);
  });
}

/** Custom tools become canonical tools; Anthropic's server tools (typed, no schema) are kept aside. */
function parseTools(v: unknown): { tools?: ToolDefinition[]; serverTools?: Json[] } {
  if (v === undefined || v === null) return {};
  const tools: ToolDefinition[] = [];
  const serverTools: Json[] = [];
  expectArray(v, "tools").forEach((raw, i) => {
    const tool = expectObject(raw, `tools[${i}]`);
    const name = expectString(tool.name, `tools[${i}].name`, { nonEmpty: true });
    if (tool.type !== undefined && tool.type !== "custom") {
      serverTools.push(tool);
      return;
    }
    if (tool.input_schema === undefined) throw invalidRequest(`'tools[${i}].input_schema' is required`, `tools[${i}].input_schema`);
    expectObject(tool.input_schema, `tools[${i}].input_schema`);
    const description = optionalString(tool.description, `tools[${i}].description`);
    tools.push({ name, ...(description !== undefined ? { description } : {}), parameters: tool.input_schema });
  });
  return { ...(tools.length ? { tools } : {}), ...(serverTools.length ? { serverTools } : {}) };
}

function parseToolChoice(v: unknown): { choice?: ToolChoice; disableParallel?: boolean } {
  if (v === undefined || v === null) return {};
  const c = expectObject(v, "tool_choice");
  const type = expectString(c.type, "tool_choice.type");
  const disableParallel = optionalBoolean(c.disable_parallel_tool_use, "tool_choice.disable_parallel_tool_use");
  const choice: ToolChoice | undefined =
    type === "auto" ? "auto" : type === "any" ? "required" : type === "none" ? "none" : type === "tool" ? { name: expectString(c.name, "tool_choice.name", { nonEmpty: true }) } : undefined;
  if (!choice) throw invalidRequest(`'tool_choice.type' must be one of auto, any, tool, none; got '${type}'`, "tool_choice.type");
  return { choice, ...(disableParallel !== undefined ? { disableParallel } : {}) };
}

export interface AnthropicParseOptions {
  /** count_tokens bodies carry no max_tokens */
  requireMaxTokens?: boolean;
  /** the caller's headers: anthropic-beta switches features on, so it enters the cache key */
  headers?: Headers;
}

export function parseAnthropicRequest(body: unknown, opts: AnthropicParseOptions = {}): ChatRequest {
  const b = expectObject(body, "body");
  const model = expectString(b.model, "model", { nonEmpty: true });
  const maxTokens = optionalNumber(b.max_tokens, "max_tokens", { min: 1, integer: true });
  if (maxTokens === undefined && opts.requireMaxTokens !== false) throw invalidRequest("'max_tokens' is required", "max_tokens");
  const { tools, serverTools } = parseTools(b.tools);
  const { choice, disableParallel } = parseToolChoice(b.tool_choice);
  const extra: Json = extraFields(b, KNOWN);
  // Not body keys: they exist so the cache key tells these requests apart.
  if (serverTools) extra.server_tools = serverTools;
  if (disableParallel !== undefined) extra.disable_parallel_tool_use = disableParallel;
  const beta = opts.headers?.get("anthropic-beta");
  if (beta) extra.anthropic_beta = beta;
  const params = Object.fromEntries(
    Object.entries({
      maxTokens,
      temperature: optionalNumber(b.temperature, "temperature", { min: 0, max: 1 }),
      topP: optionalNumber(b.top_p, "top_p", { min: 0, max: 1 }),
      topK: optionalNumber(b.top_k, "top_k", { min: 0, integer: true }),
      stop: stopList(b.stop_sequences, "stop_sequences"),
    }).filter(([, v]) => v !== undefined),
  );
  return {
    model,
    system: parseSystem(b.system),
    messages: parseMessages(b.messages),
    ...(tools ? { tools } : {}),
    ...(choice ? { toolChoice: choice } : {}),
    params,
    stream: optionalBoolean(b.stream, "stream") ?? false,
    extra,
    source: { format: "anthropic", body },
  };
}
