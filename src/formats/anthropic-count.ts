// Prompt token estimate for count_tokens and for input usage of streams rendered before the provider reports it.
import { estimateTokens } from "../pipeline/tokens.ts";
import type { ChatRequest, ContentPart } from "../pipeline/types.ts";

/** Images are counted at Anthropic's typical cost of a ~1 megapixel image. */
const IMAGE_TOKENS = 1600;

function partTokens(p: ContentPart): number {
  if (p.type === "text" || p.type === "thinking") return estimateTokens(p.text);
  if (p.type === "image") return IMAGE_TOKENS;
  return estimateTokens(JSON.stringify(p.value ?? ""));
}

export function countRequestTokens(req: ChatRequest): number {
  let total = req.system.reduce((n, p) => n + partTokens(p), 0);
  for (const m of req.messages) {
    total += 3 + m.content.reduce((n, p) => n + partTokens(p), 0);
    for (const call of m.toolCalls ?? []) total += estimateTokens(call.name) + estimateTokens(call.arguments);
  }
  for (const tool of req.tools ?? []) total += estimateTokens(JSON.stringify(tool));
  return Math.max(1, total);
}
