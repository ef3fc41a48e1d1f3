// Splits markdown text into fenced code blocks and the prose around them, so stages can treat each
// on its own terms and put the text back together unchanged where they do nothing.

export interface Segment {
  fenced: boolean;
  /** the info string of a fenced block (```json → "json") */
  lang: string;
  /** for fenced blocks the body only; open/close are the fence lines */
  text: string;
  open?: string;
  close?: string;
}

const FENCE = /^([ \t]*)(```+|~~~+)([^\n`]*)\n([\s\S]*?)\n\1\2[ \t]*(?=\n|$)/gm;

export function splitFences(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(FENCE)) {
    if (m.index! > last) out.push({ fenced: false, lang: "", text: text.slice(last, m.index) });
    out.push({ fenced: true, lang: m[3]!.trim().toLowerCase(), open: `${m[1]}${m[2]}${m[3]}\n`, text: m[4]!, close: `\n${m[1]}${m[2]}` });
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push({ fenced: false, lang: "", text: text.slice(last) });
  return out;
}

export function joinFences(segments: Segment[]): string {
  return segments.map((s) => (s.fenced ? `${s.open}${s.text}${s.close}` : s.text)).join("");
}
