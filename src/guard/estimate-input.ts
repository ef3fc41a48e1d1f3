// Rough input-token count of a request, for the tokens-per-minute budget before the upstream reports usage.
import { estimateTokens } from "../pipeline/tokens.ts";
import type { ChatRequest, ContentPart } from "../pipeline/types.ts";

const partTokens = (p: ContentPart) => (p.type === "text" || p.type === "thinking" ? estimateTokens(p.text) : p.type === "image" ? 85 : 16);

export function estimateInputTokens(req: ChatRequest): number {
  let n = req.system.reduce((s, p) => s + partTokens(p), 0);
  for (const m of req.messages) {
    n += 4 + m.content.reduce((s, p) => s + partTokens(p), 0);
    for (const c of m.toolCalls ?? []) n += estimateTokens(c.name) + estimateTokens(c.arguments);
  }
  return n;
}
