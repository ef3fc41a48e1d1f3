// OpenAI Responses API request (POST /v1/responses) → canonical request.
// Assistant-side items (reasoning, assistant messages, function_call) that follow each other form one
// canonical assistant turn; function_call_output items become tool messages.
import { invalidRequest } from "../pipeline/errors.ts";
import type { ChatRequest, ContentPart, GenerationParams, Message, ToolChoice, ToolDefinition } from "../pipeline/types.ts";
import { splitCallId } from "./call-signature.ts";
import { expectArray, expectObject, expectString, extraFields, isObject, optionalBoolean, optionalNumber, optionalString, type Json } from "./validate.ts";

const KNOWN = new Set(["model", "input", "instructions", "tools", "tool_choice", "text", "temperature", "top_p", "max_output_tokens", "stream", "previous_response_id"]);
const MESSAGE_ROLES = new Set(["user", "assistant", "system", "developer"]);

/** Items a Responses upstream understands but the canonical form cannot express (built-in tool calls, item references…). */
const opaque = (value: unknown): ContentPart => ({ type: "opaque", format: "responses", value });

function contentParts(v: unknown, field: string): ContentPart[] {
  if (typeof v === "string") return [{ type: "text", text: v }];
  return expectArray(v, field).map((raw, i): ContentPart => {
    const f = `${field}[${i}]`;
    const part = expectObject(raw, f);
    const type = expectString(part.type, `${f}.type`);
    if (type === "input_text" || type === "output_text" || type === "text") return { type: "text", text: expectString(part.text, `${f}.text`) };
    if (type === "refusal") return { type: "text", text: expectString(part.refusal, `${f}.refusal`) };
    if (type === "input_image" && typeof part.image_url === "string" && part.image_url) {
      const detail = optionalString(part.detail, `${f}.detail`);
      return { type: "image", url: part.image_url, ...(detail && detail !== "auto" ? { detail } : {}) };
    }
    return opaque(part);
  });
}

function reasoningPart(item: Json, field: string): ContentPart {
  const summary = item.summary === undefined ? [] : expectArray(item.summary, `${field}.summary`);
  const text = summary.map((s) => (isObject(s) && typeof s.text === "string" ? s.text : "")).join("\n\n");
  const encrypted = optionalString(item.encrypted_content, `${field}.encrypted_content`);
  // The encrypted content is the provider's opaque token for this reasoning (an Anthropic or Gemini signature when the gateway issued it).
  return { type: "thinking", text, ...(encrypted ? { signature: encrypted } : {}) };
}

function toolOutput(v: unknown, field: string): ContentPart[] {
  if (typeof v === "string") return [{ type: "text", text: v }];
  return contentParts(v, field);
}

/** Input items → canonical turns (system/developer messages included, in place). */
export function itemsToMessages(items: unknown[]): Message[] {
  const out: Message[] = [];
  /** the assistant turn that later assistant-side items join, until a non-assistant item comes */
  let turn: Message | undefined;
  const assistantTurn = (startsText: boolean): Message => {
    // text after a tool call starts a new turn, so the order of what the model said is kept
    if (!turn || (startsText && turn.toolCalls?.length)) {
      turn = { role: "assistant", content: [] };
      out.push(turn);
    }
    return turn;
  };
  items.forEach((raw, i) => {
    const f = `input[${i}]`;
    const item = expectObject(raw, f);
    const type = item.type === undefined ? "message" : expectString(item.type, `${f}.type`);
    if (type === "message") {
      const role = expectString(item.role, `${f}.role`);
      if (!MESSAGE_ROLES.has(role)) throw invalidRequest(`'${f}.role' must be one of user, assistant, system, developer; got '${role}'`, `${f}.role`);
      const content = contentParts(item.content, `${f}.content`);
      if (role === "assistant") {
        assistantTurn(true).content.push(...content.filter((p) => p.type !== "text" || p.text));
        return;
      }
      turn = undefined;
      out.push({ role: role === "user" ? "user" : "system", content });
      return;
    }
    if (type === "reasoning") {
      assistantTurn(true).content.push(reasoningPart(item, f));
      return;
    }
    if (type === "function_call") {
      const t = assistantTurn(false);
      const name = expectString(item.name, `${f}.name`, { nonEmpty: true });
      const namespace = optionalString(item.namespace, `${f}.namespace`);
      const { id, signature } = splitCallId(expectString(item.call_id, `${f}.call_id`, { nonEmpty: true }));
      const call = {
        id,
        name: namespace ? namespacedName(namespace, name) : name,
        arguments: typeof item.arguments === "string" ? item.arguments : JSON.stringify(item.arguments ?? {}),
        ...(signature ? { signature } : {}),
      };
      t.toolCalls = [...(t.toolCalls ?? []), call];
      return;
    }
    if (type === "function_call_output") {
      turn = undefined;
      const { id } = splitCallId(expectString(item.call_id, `${f}.call_id`, { nonEmpty: true }));
      out.push({ role: "tool", toolCallId: id, content: toolOutput(item.output, `${f}.output`) });
      return;
    }
    // built-in tool calls and their outputs, item references: kept whole (cache key, same-format upstream)
    assistantTurn(false).content.push(opaque(item));
  });
  return out;
}

/** The input as a list of items (a string is one user message). */
export function inputItems(input: unknown): unknown[] {
  if (typeof input === "string") return [{ role: "user", content: input }];
  return expectArray(input, "input");
}

/** The canonical name of a function tool inside a namespace tool. */
export const namespacedName = (namespace: string, name: string) => `${namespace}__${name}`;

/** The namespaces a request declares (their calls are named namespacedName(ns, name) in the canonical form). */
export function declaredNamespaces(body: unknown): string[] {
  if (!isObject(body) || !Array.isArray(body.tools)) return [];
  return body.tools.flatMap((t) => (isObject(t) && t.type === "namespace" && typeof t.name === "string" ? [t.name] : []));
}

/** A canonical tool name back as the Responses API names it: { name, namespace? }. */
export function splitNamespaced(name: string, namespaces: string[]): { name: string; namespace?: string } {
  const ns = namespaces.find((n) => name.startsWith(`${n}__`));
  return ns ? { name: name.slice(ns.length + 2), namespace: ns } : { name };
}

/** Function tools become canonical tools; built-in tools (web_search, file_search, mcp, …) are kept apart. */
function parseTools(v: unknown): { tools?: ToolDefinition[]; builtin?: Json[] } {
  if (v === undefined || v === null) return {};
  const tools: ToolDefinition[] = [];
  const builtin: Json[] = [];
  expectArray(v, "tools").forEach((raw, i) => {
    const tool = expectObject(raw, `tools[${i}]`);
    const type = expectString(tool.type, `tools[${i}].type`);
    if (type === "namespace") {
      // a namespace only groups function tools: they become plain tools named "<namespace>__<name>"
      const ns = expectString(tool.name, `tools[${i}].name`, { nonEmpty: true });
      const inner = parseTools(tool.tools ?? []);
      tools.push(...(inner.tools ?? []).map((t) => ({ ...t, name: namespacedName(ns, t.name) })));
      if (inner.builtin) builtin.push({ ...tool, tools: inner.builtin });
      return;
    }
    if (type !== "function") {
      builtin.push(tool);
      return;
    }
    const description = optionalString(tool.description, `tools[${i}].description`);
    tools.push({
      name: expectString(tool.name, `tools[${i}].name`, { nonEmpty: true }),
      ...(description !== undefined ? { description } : {}),
      ...(tool.parameters !== undefined && tool.parameters !== null ? { parameters: expectObject(tool.parameters, `tools[${i}].parameters`) } : {}),
    });
  });
  return { ...(tools.length ? { tools } : {}), ...(builtin.length ? { builtin } : {}) };
}

function parseToolChoice(v: unknown): { choice?: ToolChoice; other?: Json } {
  if (v === undefined || v === null) return {};
  if (v === "auto" || v === "none" || v === "required") return { choice: v };
  const c = expectObject(v, "tool_choice");
  if (c.type === "function") return { choice: { name: expectString(c.name, "tool_choice.name", { nonEmpty: true }) } };
  return { other: c };
}

/** text.format → the canonical (Chat Completions shaped) response format. */
function responseFormatOf(text: unknown): unknown {
  if (!isObject(text) || !isObject(text.format)) return undefined;
  const f = text.format;
  if (f.type === "json_object") return { type: "json_object" };
  if (f.type !== "json_schema") return undefined;
  const { type: _t, ...schema } = f;
  return { type: "json_schema", json_schema: schema };
}

export function parseResponsesRequest(body: unknown): ChatRequest {
  const b = expectObject(body, "body");
  if (b.input === undefined || b.input === null) throw invalidRequest("'input' is required", "input");
  const all = itemsToMessages(inputItems(b.input));
  const firstTurn = all.findIndex((m) => m.role !== "system");
  const leading = firstTurn < 0 ? all : all.slice(0, firstTurn);
  const messages = firstTurn < 0 ? [] : all.slice(firstTurn);
  if (messages.length === 0) throw invalidRequest("'input' must contain at least one item besides system and developer messages", "input");
  const instructions = optionalString(b.instructions, "instructions");
  const { tools, builtin } = parseTools(b.tools);
  const { choice, other } = parseToolChoice(b.tool_choice);
  const extra: Json = extraFields(b, KNOWN);
  // Not body keys: they exist so the cache key tells these requests apart (and L3 can refuse what it cannot translate).
  if (builtin) extra.builtin_tools = builtin;
  if (other) extra.tool_choice = other;
  if (isObject(b.text)) {
    const { format: _f, ...textRest } = b.text;
    if (Object.keys(textRest).length) extra.text = textRest;
  }
  const params: GenerationParams = Object.fromEntries(
    Object.entries({
      temperature: optionalNumber(b.temperature, "temperature", { min: 0, max: 2 }),
      topP: optionalNumber(b.top_p, "top_p", { min: 0, max: 1 }),
      maxTokens: optionalNumber(b.max_output_tokens, "max_output_tokens", { min: 1, integer: true }),
    }).filter(([, x]) => x !== undefined),
  );
  const responseFormat = responseFormatOf(b.text);
  return {
    model: b.model === undefined ? "" : expectString(b.model, "model"),
    system: [...(instructions ? [{ type: "text" as const, text: instructions }] : []), ...leading.flatMap((m) => m.content)],
    messages,
    ...(tools ? { tools } : {}),
    ...(choice ? { toolChoice: choice } : {}),
    ...(responseFormat !== undefined ? { responseFormat } : {}),
    params,
    stream: optionalBoolean(b.stream, "stream") ?? false,
    extra,
    source: { format: "responses", body },
  };
}
