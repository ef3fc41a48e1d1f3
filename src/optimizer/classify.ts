// Content classifier (the gate of the compression pipeline): decides which stages may touch a text.

export type ContentKind = "json" | "log" | "prose";

const TIMESTAMP = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b/;
const LEVEL = /\b(TRACE|DEBUG|INFO|WARN(?:ING)?|ERROR|FATAL|CRITICAL|PANIC)\b/;
export const STACK_FRAME = /^\s+at\s+\S|^\s*File ".+", line \d+|^\s+\.\.\. \d+ more\b|^\s*goroutine \d+ \[|^\s+\S+\.go:\d+/;

export function isLogLine(line: string): boolean {
  return TIMESTAMP.test(line) || LEVEL.test(line) || STACK_FRAME.test(line);
}

export function looksLikeJson(text: string): boolean {
  const t = text.trim();
  if (t.length < 2 || !((t[0] === "{" && t.at(-1) === "}") || (t[0] === "[" && t.at(-1) === "]"))) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

/** A log: enough lines, most of them carrying a timestamp, a level or a stack frame. */
export function classify(text: string): ContentKind {
  if (looksLikeJson(text)) return "json";
  const lines = text.split("\n");
  if (lines.length >= 8) {
    let hits = 0;
    for (const line of lines) if (isLogLine(line)) hits++;
    if (hits / lines.length >= 0.5) return "log";
  }
  return "prose";
}
