// What the router classifies: the text of the caller's latest user turn that has any (an agent's
// tool-result turn carries none, so the question it answers is used), else the system prompt.
import type { ChatRequest, ContentPart } from "../pipeline/types.ts";

const textOf = (parts: ContentPart[]) =>
  parts
    .filter((p): p is Extract<ContentPart, { type: "text" }> => p.type === "text")
    .map((p) => p.text)
    .join("\n")
    .trim();

export function classifierContext(req: ChatRequest, maxChars: number): string | undefined {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const m = req.messages[i]!;
    if (m.role !== "user") continue;
    const text = textOf(m.content);
    if (text) return text.slice(0, maxChars);
  }
  const system = textOf(req.system);
  return system ? system.slice(0, maxChars) : undefined;
}
