// The compression pipeline: classify → log-crunch → minify per text, then dedup across the request.
// Only text parts are touched; images, thinking blocks (signed), tool calls and opaque parts pass as is.
import { estimateTokens } from "../pipeline/tokens.ts";
import type { ChatRequest, ContentPart, Message } from "../pipeline/types.ts";
import { dedupSlots } from "./dedup.ts";
import { crunchLogs } from "./log-crunch.ts";
import type { StageMemo } from "./memo.ts";
import { minify } from "./minify.ts";

export type StageName = "dedup" | "log_crunch" | "minify";

export interface OptimizerOptions {
  dedup: boolean;
  logCrunch: boolean;
  minify: boolean;
  minBlockChars: number;
  maxLogLines: number;
  /** below this much text in the whole request, nothing is worth shrinking */
  minRequestChars: number;
}

export interface TextSlot {
  before: string;
  after: string;
  protected: boolean;
}

export interface Optimized {
  request: ChatRequest;
  slots: TextSlot[];
  saved: Record<StageName, number>;
}

function collectSlots(req: ChatRequest): TextSlot[] {
  const slots: TextSlot[] = [];
  const add = (parts: ContentPart[], isSystem: boolean) => {
    for (const p of parts) if (p.type === "text") slots.push({ before: p.text, after: p.text, protected: isSystem });
  };
  add(req.system, true);
  for (const m of req.messages) add(m.content, m.role === "system");
  return slots;
}

function withTexts(req: ChatRequest, texts: string[]): ChatRequest {
  let i = 0;
  const map = (parts: ContentPart[]) => parts.map((p): ContentPart => (p.type === "text" ? { type: "text", text: texts[i++]! } : p));
  const system = map(req.system);
  const messages = req.messages.map((m): Message => ({ ...m, content: map(m.content) }));
  return { ...req, system, messages };
}

const tokens = (texts: string[]) => texts.reduce((n, t) => n + estimateTokens(t), 0);

export function optimizeRequest(req: ChatRequest, opts: OptimizerOptions, memo?: StageMemo): Optimized {
  const slots = collectSlots(req);
  const saved: Record<StageName, number> = { dedup: 0, log_crunch: 0, minify: 0 };
  let texts = slots.map((s) => s.before);
  const stage = (name: StageName, run: (t: string) => string) => {
    const next = texts.map((t) => (memo ? memo.apply(name, t, run) : run(t)));
    saved[name] += Math.max(0, tokens(texts) - tokens(next));
    texts = next;
  };
  if (opts.logCrunch) stage("log_crunch", (t) => crunchLogs(t, opts.maxLogLines));
  if (opts.minify) stage("minify", minify);
  if (opts.dedup) {
    const next = dedupSlots(texts.map((text, i) => ({ text, protected: slots[i]!.protected })), opts.minBlockChars);
    saved.dedup += Math.max(0, tokens(texts) - tokens(next));
    texts = next;
  }
  // A stage never makes a text longer; if one did, that text goes upstream as it came.
  texts = texts.map((t, i) => (t.length <= slots[i]!.before.length ? t : slots[i]!.before));
  slots.forEach((s, i) => (s.after = texts[i]!));
  return { request: withTexts(req, texts), slots, saved };
}
