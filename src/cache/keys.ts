// Cache keys carry the whole context (DESIGN.md rule 2): a different tenant, model, system prompt,
// history, tools or output-affecting parameter never shares an entry.
// Plain JSON.stringify is enough: the parsers build canonical objects in a fixed key order, and a
// client that orders its own JSON (tool schemas, extra fields) differently only misses, never
// hits wrongly.
import type { ChatRequest, ContentPart, Message } from "../pipeline/types.ts";

/** Inbound fields that never change the answer and so stay out of keys. */
// (prompt_cache_key & co.: Responses API hints for the provider's own prompt cache and client bookkeeping; Codex sends a new one per session)
const NON_SEMANTIC_EXTRA = new Set(["stream_options", "user", "metadata", "store", "service_tier", "prompt_cache_key", "prompt_cache_retention", "client_metadata", "safety_identifier"]);

function hash(text: string): string {
  return Bun.SHA256.hash(text, "hex") as string;
}

function keyedExtra(req: ChatRequest): Record<string, unknown> {
  return Object.fromEntries(Object.entries(req.extra).filter(([k]) => !NON_SEMANTIC_EXTRA.has(k)));
}

function context(tenant: string, model: string, req: ChatRequest, messages: Message[]) {
  const { n: _n, ...params } = req.params;
  return {
    tenant,
    model,
    system: req.system,
    messages,
    tools: req.tools ?? null,
    toolChoice: req.toolChoice ?? null,
    responseFormat: req.responseFormat ?? null,
    params,
    extra: keyedExtra(req),
  };
}

/** L1a key: every part of the request that can change the answer. */
export function exactKey(tenant: string, model: string, req: ChatRequest): string {
  return `x:${hash(JSON.stringify(context(tenant, model, req, req.messages)))}`;
}

/** Index of the last user message, or -1. */
export function lastUserIndex(req: ChatRequest): number {
  for (let i = req.messages.length - 1; i >= 0; i--) if (req.messages[i]!.role === "user") return i;
  return -1;
}

/**
 * L1b scope: everything in the exact key except the last user message, which is the part that is
 * embedded. Only a request whose last message is a plain-text user turn has a semantic scope.
 */
export function semanticScope(tenant: string, model: string, req: ChatRequest): { scope: string; question: string } | undefined {
  const i = lastUserIndex(req);
  if (i < 0 || i !== req.messages.length - 1) return undefined;
  const last = req.messages[i]!;
  if (!last.content.every((p): p is Extract<ContentPart, { type: "text" }> => p.type === "text")) return undefined;
  const question = last.content.map((p) => p.text).join("\n").trim();
  if (!question) return undefined;
  const scope = `s:${hash(JSON.stringify(context(tenant, model, req, req.messages.slice(0, i))))}`;
  return { scope, question };
}
