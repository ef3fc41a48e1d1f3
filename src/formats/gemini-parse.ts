// Gemini generateContent request (POST /v1beta/models/{model}:generateContent) → canonical request.
import { invalidRequest } from "../pipeline/errors.ts";
import type { ChatRequest, ContentPart, GenerationParams, Message, ToolCall, ToolChoice, ToolDefinition } from "../pipeline/types.ts";
import type { ParseOptions } from "./format.ts";
import { geminiSchemaToJsonSchema } from "./gemini-schema.ts";
import { expectArray, expectObject, expectString, extraFields, optionalNumber, optionalString, stopList, type Json } from "./validate.ts";

const KNOWN = new Set(["model", "contents", "systemInstruction", "system_instruction", "tools", "toolConfig", "tool_config", "generationConfig", "generation_config"]);
/** generationConfig fields the canonical params model; the rest stay in extra.generationConfig */
const MODELED_CONFIG = new Set(["temperature", "topP", "topK", "maxOutputTokens", "seed", "stopSequences", "candidateCount", "presencePenalty", "frequencyPenalty", "responseSchema", "responseJsonSchema", "responseMimeType"]);

/** The REST API accepts both camelCase and snake_case field names. */
const field = (o: Json, camel: string, snake: string) => (o[camel] !== undefined ? o[camel] : o[snake]);

function dataPart(mimeType: string, url: string, raw: Json): ContentPart {
  return mimeType.startsWith("image/") ? { type: "image", url, mediaType: mimeType } : { type: "opaque", format: "gemini", value: raw };
}

/** One part that is neither a functionCall nor a functionResponse. */
function contentPart(p: Json, f: string): ContentPart {
  if (typeof p.text === "string") {
    if (p.thought === true) return { type: "thinking", text: p.text, ...(typeof p.thoughtSignature === "string" ? { signature: p.thoughtSignature } : {}) };
    // A thought signature on a plain text part must travel back to Gemini as-is.
    return typeof p.thoughtSignature === "string" ? { type: "text", text: p.text, signature: p.thoughtSignature } : { type: "text", text: p.text };
  }
  const inline = field(p, "inlineData", "inline_data");
  if (inline !== undefined) {
    const d = expectObject(inline, `${f}.inlineData`);
    const mime = expectString(field(d, "mimeType", "mime_type"), `${f}.inlineData.mimeType`, { nonEmpty: true });
    const data = expectString(d.data, `${f}.inlineData.data`, { nonEmpty: true });
    return dataPart(mime, `data:${mime};base64,${data}`, p);
  }
  const file = field(p, "fileData", "file_data");
  if (file !== undefined) {
    const d = expectObject(file, `${f}.fileData`);
    const uri = expectString(field(d, "fileUri", "file_uri"), `${f}.fileData.fileUri`, { nonEmpty: true });
    const mime = optionalString(field(d, "mimeType", "mime_type"), `${f}.fileData.mimeType`) ?? "";
    return dataPart(mime, uri, p);
  }
  return { type: "opaque", format: "gemini", value: p };
}

function partsOf(v: unknown, f: string): Json[] {
  const parts = expectArray(v, f);
  return parts.map((p, i) => expectObject(p, `${f}[${i}]`));
}

function functionCall(p: Json, f: string): ToolCall {
  const fc = expectObject(field(p, "functionCall", "function_call"), `${f}.functionCall`);
  const name = expectString(fc.name, `${f}.functionCall.name`, { nonEmpty: true });
  const args = fc.args === undefined ? {} : expectObject(fc.args, `${f}.functionCall.args`);
  // Gemini matches calls to responses by name when it gives no id; the name then serves as the id.
  const signature = optionalString(p.thoughtSignature ?? p.thought_signature, `${f}.thoughtSignature`);
  return { id: optionalString(fc.id, `${f}.functionCall.id`) || name, name, arguments: JSON.stringify(args), ...(signature ? { signature } : {}) };
}

function functionResponse(p: Json, f: string): Message {
  const fr = expectObject(field(p, "functionResponse", "function_response"), `${f}.functionResponse`);
  const name = expectString(fr.name, `${f}.functionResponse.name`, { nonEmpty: true });
  const response = fr.response === undefined ? {} : expectObject(fr.response, `${f}.functionResponse.response`);
  return { role: "tool", toolCallId: optionalString(fr.id, `${f}.functionResponse.id`) || name, name, content: [{ type: "text", text: JSON.stringify(response) }] };
}

const hasKey = (p: Json, camel: string, snake: string) => field(p, camel, snake) !== undefined;

function parseContents(v: unknown): Message[] {
  const contents = expectArray(v, "contents");
  if (contents.length === 0) throw invalidRequest("'contents' must contain at least one entry", "contents");
  return contents.flatMap((raw, i): Message[] => {
    const f = `contents[${i}]`;
    const c = expectObject(raw, f);
    const role = c.role === undefined ? "user" : expectString(c.role, `${f}.role`);
    if (role !== "user" && role !== "model" && role !== "function") throw invalidRequest(`'${f}.role' must be 'user' or 'model', got '${role}'`, `${f}.role`);
    const parts = partsOf(c.parts, `${f}.parts`);
    if (role === "model") {
      const content: ContentPart[] = [];
      const toolCalls: ToolCall[] = [];
      parts.forEach((p, j) => {
        if (hasKey(p, "functionCall", "function_call")) toolCalls.push(functionCall(p, `${f}.parts[${j}]`));
        else content.push(contentPart(p, `${f}.parts[${j}]`));
      });
      return [{ role: "assistant", content, ...(toolCalls.length ? { toolCalls } : {}) }];
    }
    const out: Message[] = [];
    const rest: ContentPart[] = [];
    parts.forEach((p, j) => {
      if (hasKey(p, "functionResponse", "function_response")) out.push(functionResponse(p, `${f}.parts[${j}]`));
      else rest.push(contentPart(p, `${f}.parts[${j}]`));
    });
    if (rest.length || out.length === 0) out.push({ role: "user", content: rest });
    return out;
  });
}

function parseSystem(v: unknown): ContentPart[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return [{ type: "text", text: v }];
  const s = expectObject(v, "systemInstruction");
  return partsOf(s.parts, "systemInstruction.parts").map((p, i) => contentPart(p, `systemInstruction.parts[${i}]`));
}

/** Function declarations become canonical tools; other tools (googleSearch, codeExecution, …) are kept aside. */
function parseTools(v: unknown): { tools?: ToolDefinition[]; otherTools?: Json[] } {
  if (v === undefined || v === null) return {};
  const tools: ToolDefinition[] = [];
  const otherTools: Json[] = [];
  expectArray(v, "tools").forEach((raw, i) => {
    const t = expectObject(raw, `tools[${i}]`);
    const decls = field(t, "functionDeclarations", "function_declarations");
    const { functionDeclarations: _a, function_declarations: _b, ...rest } = t;
    if (Object.keys(rest).length) otherTools.push(rest);
    if (decls === undefined) return;
    expectArray(decls, `tools[${i}].functionDeclarations`).forEach((d, j) => {
      const f = `tools[${i}].functionDeclarations[${j}]`;
      const decl = expectObject(d, f);
      const name = expectString(decl.name, `${f}.name`, { nonEmpty: true });
      const description = optionalString(decl.description, `${f}.description`);
      const jsonSchema = decl.parametersJsonSchema ?? decl.parameters_json_schema;
      const parameters = jsonSchema ?? (decl.parameters === undefined ? undefined : geminiSchemaToJsonSchema(decl.parameters));
      if (parameters !== undefined) expectObject(parameters, `${f}.parameters`);
      tools.push({ name, ...(description !== undefined ? { description } : {}), ...(parameters !== undefined ? { parameters } : {}) });
    });
  });
  return { ...(tools.length ? { tools } : {}), ...(otherTools.length ? { otherTools } : {}) };
}

function parseToolChoice(v: unknown): { choice?: ToolChoice; allowed?: string[] } {
  if (v === undefined || v === null) return {};
  const config = expectObject(v, "toolConfig");
  const fcc = field(config, "functionCallingConfig", "function_calling_config");
  if (fcc === undefined) return {};
  const c = expectObject(fcc, "toolConfig.functionCallingConfig");
  const mode = c.mode === undefined ? "AUTO" : expectString(c.mode, "toolConfig.functionCallingConfig.mode").toUpperCase();
  const allowedRaw = field(c, "allowedFunctionNames", "allowed_function_names");
  const allowed = allowedRaw === undefined ? undefined : expectArray(allowedRaw, "toolConfig.functionCallingConfig.allowedFunctionNames").map((n, i) => expectString(n, `toolConfig.functionCallingConfig.allowedFunctionNames[${i}]`));
  if (mode === "AUTO" || mode === "MODE_UNSPECIFIED") return { choice: "auto" };
  if (mode === "NONE") return { choice: "none" };
  if (mode === "ANY" || mode === "VALIDATED") {
    if (allowed?.length === 1) return { choice: { name: allowed[0]! } };
    return { choice: "required", ...(allowed ? { allowed } : {}) };
  }
  throw invalidRequest(`'toolConfig.functionCallingConfig.mode' must be one of AUTO, ANY, NONE, VALIDATED; got '${mode}'`, "toolConfig.functionCallingConfig.mode");
}

/** Gemini's JSON mode, expressed the way the canonical form keeps response formats (OpenAI's response_format). */
function responseFormatOf(mime: unknown, schema: unknown): unknown {
  if (schema !== undefined) return { type: "json_schema", json_schema: { name: "response", schema } };
  if (mime === "application/json") return { type: "json_object" };
  return undefined;
}

function parseGeneration(v: unknown): { params: GenerationParams; responseFormat?: unknown; rest?: Json } {
  if (v === undefined || v === null) return { params: {} };
  const g = expectObject(v, "generationConfig");
  const num = (camel: string, snake: string, opts: { min?: number; max?: number; integer?: boolean } = {}) => optionalNumber(field(g, camel, snake), `generationConfig.${camel}`, opts);
  const params: GenerationParams = Object.fromEntries(
    Object.entries({
      temperature: num("temperature", "temperature", { min: 0, max: 2 }),
      topP: num("topP", "top_p", { min: 0, max: 1 }),
      topK: num("topK", "top_k", { min: 0, integer: true }),
      maxTokens: num("maxOutputTokens", "max_output_tokens", { min: 1, integer: true }),
      seed: num("seed", "seed", { integer: true }),
      stop: stopList(field(g, "stopSequences", "stop_sequences"), "generationConfig.stopSequences"),
      n: num("candidateCount", "candidate_count", { min: 1, integer: true }),
      presencePenalty: num("presencePenalty", "presence_penalty"),
      frequencyPenalty: num("frequencyPenalty", "frequency_penalty"),
    }).filter(([, x]) => x !== undefined),
  );
  const mime = field(g, "responseMimeType", "response_mime_type");
  const openApiSchema = field(g, "responseSchema", "response_schema");
  const schema = field(g, "responseJsonSchema", "response_json_schema") ?? (openApiSchema === undefined ? undefined : geminiSchemaToJsonSchema(openApiSchema));
  const responseFormat = responseFormatOf(mime, schema);
  const snakeToCamel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const rest = Object.fromEntries(Object.entries(g).filter(([k]) => !MODELED_CONFIG.has(snakeToCamel(k))));
  return { params, ...(responseFormat ? { responseFormat } : {}), ...(Object.keys(rest).length ? { rest } : {}) };
}

export function parseGeminiRequest(body: unknown, opts: ParseOptions = {}): ChatRequest {
  const b = expectObject(body, "body");
  const bodyModel = b.model === undefined ? undefined : expectString(b.model, "model");
  const model = (opts.pathModel || bodyModel || "").replace(/^models\//, "");
  if (!model) throw invalidRequest("the model must be named in the path: /v1beta/models/{model}:generateContent", "model");
  const { tools, otherTools } = parseTools(b.tools);
  const { choice, allowed } = parseToolChoice(field(b, "toolConfig", "tool_config"));
  const generation = parseGeneration(field(b, "generationConfig", "generation_config"));
  const extra: Json = extraFields(b, KNOWN);
  // Not body keys: they exist so the cache key tells these requests apart.
  if (otherTools) extra.other_tools = otherTools;
  if (allowed) extra.allowed_function_names = allowed;
  if (generation.rest) extra.generationConfig = generation.rest;
  return {
    model,
    system: parseSystem(field(b, "systemInstruction", "system_instruction")),
    messages: parseContents(b.contents),
    ...(tools ? { tools } : {}),
    ...(choice ? { toolChoice: choice } : {}),
    ...(generation.responseFormat !== undefined ? { responseFormat: generation.responseFormat } : {}),
    params: generation.params,
    stream: opts.stream ?? false,
    extra,
    source: { format: "gemini", body },
  };
}

