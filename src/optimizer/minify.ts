// Minify stage: JSON loses its insignificant whitespace (strings and numbers kept byte for byte, so
// big numbers and duplicate keys survive), prose loses trailing spaces and runs of blank lines.
// Code blocks other than JSON are left alone: their whitespace may matter.
import { classify, looksLikeJson } from "./classify.ts";
import { joinFences, splitFences } from "./fences.ts";

/** Removes whitespace outside string literals of text already known to be valid JSON. */
export function minifyJson(json: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (inString) {
      out += c;
      if (c === "\\") out += json[++i] ?? "";
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c !== " " && c !== "\n" && c !== "\r" && c !== "\t") out += c;
  }
  return out;
}

function tidyProse(text: string): string {
  return text.replace(/[ \t]+$/gm, "").replace(/\n{3,}/g, "\n\n");
}

export function minify(text: string): string {
  if (classify(text) === "json") return minifyJson(text.trim());
  const segments = splitFences(text).map((s) => {
    if (!s.fenced) return { ...s, text: tidyProse(s.text) };
    if ((s.lang === "json" || s.lang === "") && looksLikeJson(s.text)) return { ...s, text: minifyJson(s.text.trim()) };
    return s;
  });
  return joinFences(segments);
}
