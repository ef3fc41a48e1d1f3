// Gemini's OpenAPI-style schemas (function `parameters`, `responseSchema`) spell types in upper case
// (OBJECT, STRING, …) and mark optional values with `nullable`; every other format expects JSON Schema
// (object, string, …). The canonical form keeps JSON Schema, so translations to any upstream work;
// a Gemini upstream of a Gemini caller still gets the caller's own body.
import { isObject } from "./validate.ts";

const MAX_DEPTH = 64;

export function geminiSchemaToJsonSchema(schema: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return schema;
  if (Array.isArray(schema)) return schema.map((s) => geminiSchemaToJsonSchema(s, depth + 1));
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "type" && typeof v === "string") out.type = v.toLowerCase() === "type_unspecified" ? undefined : v.toLowerCase();
    else if (k === "nullable") continue;
    else if (k === "properties" && isObject(v)) out.properties = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, geminiSchemaToJsonSchema(s, depth + 1)]));
    else if (k === "items" || k === "anyOf" || k === "oneOf" || k === "allOf" || k === "not" || k === "additionalProperties") out[k] = geminiSchemaToJsonSchema(v, depth + 1);
    else out[k] = v;
  }
  if (out.type === undefined) delete out.type;
  if (schema.nullable === true && typeof out.type === "string") out.type = [out.type, "null"];
  return out;
}
