// A same-format upstream is sent the caller's own body (nothing lost in translation), so the
// optimised texts must be written into that body too. Each string in the body that is one of the
// request's texts takes that text's optimised form, in canonical order (system first, then turns).
// If any changed text cannot be placed, the caller gets undefined and the request goes unoptimised:
// the upstream must never see one version in the canonical form and another in the body.
import type { TextSlot } from "./optimize.ts";

/** Body fields that never hold conversation text. */
const SKIP = new Set(["model", "tools", "tool_choice", "toolConfig", "response_format", "metadata", "generationConfig", "safetySettings"]);
const SYSTEM_FIRST = (k: string) => (/^system/i.test(k) ? 0 : 1);

export function rewriteSourceBody(body: unknown, slots: TextSlot[]): unknown | undefined {
  const pending = new Map<string, TextSlot[]>();
  let changed = 0;
  for (const slot of slots) {
    if (slot.after !== slot.before) changed++;
    const list = pending.get(slot.before);
    if (list) list.push(slot);
    else pending.set(slot.before, [slot]);
  }
  if (changed === 0) return body;
  let placed = 0;
  const walk = (node: unknown, depth: number): unknown => {
    if (typeof node === "string") {
      const slot = pending.get(node)?.shift();
      if (!slot) return node;
      if (slot.after !== slot.before) placed++;
      return slot.after;
    }
    if (node === null || typeof node !== "object" || depth > 64) return node;
    if (Array.isArray(node)) return node.map((x) => walk(x, depth + 1));
    const entries = Object.entries(node).sort(([a], [b]) => SYSTEM_FIRST(a) - SYSTEM_FIRST(b));
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) out[k] = SKIP.has(k) ? v : walk(v, depth + 1);
    // keep the caller's key order in what goes upstream
    return Object.fromEntries(Object.keys(node).map((k) => [k, out[k]]));
  };
  const rewritten = walk(body, 0);
  return placed === changed ? rewritten : undefined;
}
