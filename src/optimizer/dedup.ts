// Dedup stage: a block (paragraph) repeated within one request — CLAUDE.md or copilot-instructions
// pasted into several turns — is kept where it first appears and replaced by a short reference later.
// System text is never replaced (it only seeds what counts as "seen"), so the request stays
// self-contained: everything the upstream needs is still in it, once.
import { marker } from "./log-crunch.ts";

export interface DedupSlot {
  text: string;
  /** system instructions: may be referenced, never replaced */
  protected: boolean;
}

const normal = (block: string) => block.replace(/\s+/g, " ").trim();

export const REPEATED_MARKER = marker("repeated block omitted; identical text appears earlier in this conversation");

export function dedupSlots(slots: DedupSlot[], minChars: number): string[] {
  const seen = new Set<string>();
  return slots.map((slot) => {
    const blocks = slot.text.split(/(\n[ \t]*\n)/);
    const out: string[] = [];
    let replacing = false;
    for (let i = 0; i < blocks.length; i += 2) {
      const block = blocks[i]!;
      const sep = blocks[i + 1] ?? "";
      const key = normal(block);
      if (key.length >= minChars && seen.has(key) && !slot.protected) {
        if (!replacing) out.push(REPEATED_MARKER, sep);
        else out[out.length - 1] = sep;
        replacing = true;
        continue;
      }
      if (key.length >= minChars) seen.add(key);
      replacing = false;
      out.push(block, sep);
    }
    return out.join("");
  });
}
