// Log-crunch stage: long logs and stack traces keep what a reader needs (the start, the end, every
// error/warning line, the top and bottom of each trace) and say plainly what was left out.
import { STACK_FRAME, classify } from "./classify.ts";
import { joinFences, splitFences } from "./fences.ts";

const IMPORTANT = /\b(error|exception|fatal|fail(?:ed|ure)?|panic|warn(?:ing)?|caused by|traceback)\b/i;
const FRAMES_HEAD = 6;
const FRAMES_TAIL = 3;

export const marker = (what: string) => `[isartor: ${what}]`;

/** Numbers, hex ids and timestamps vary between otherwise identical lines. */
const shape = (line: string) => line.replace(/0x[0-9a-f]+|\d+/gi, "#");

function collapseRepeats(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() !== "" && shape(lines[j]!) === shape(lines[i]!)) j++;
    // a run keeps its first and last line, so the reader still sees where it started and ended
    const run = j - i;
    if (run >= 4) out.push(lines[i]!, marker(`${run - 2} similar lines omitted`), lines[j - 1]!);
    else out.push(...lines.slice(i, j));
    i = j;
  }
  return out;
}

function isFrame(line: string, prev: string | undefined): boolean {
  if (STACK_FRAME.test(line)) return true;
  // Python traces: the source line under a `File "...", line N` line.
  return prev !== undefined && /^\s*File ".+", line \d+/.test(prev) && /^\s{4,}\S/.test(line);
}

function collapseTraces(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    if (!isFrame(lines[i]!, lines[i - 1])) {
      out.push(lines[i++]!);
      continue;
    }
    let j = i + 1;
    while (j < lines.length && isFrame(lines[j]!, lines[j - 1])) j++;
    const frames = lines.slice(i, j);
    if (frames.length > FRAMES_HEAD + FRAMES_TAIL + 2) {
      out.push(...frames.slice(0, FRAMES_HEAD), marker(`${frames.length - FRAMES_HEAD - FRAMES_TAIL} stack frame lines omitted`), ...frames.slice(-FRAMES_TAIL));
    } else out.push(...frames);
    i = j;
  }
  return out;
}

function keepHeadTailAndImportant(lines: string[], maxLines: number): string[] {
  if (lines.length <= maxLines) return lines;
  const head = Math.floor(maxLines * 0.4);
  const tail = Math.floor(maxLines * 0.4);
  let budget = maxLines - head - tail;
  const out = lines.slice(0, head);
  let omitted = 0;
  for (const line of lines.slice(head, lines.length - tail)) {
    if (budget > 0 && IMPORTANT.test(line)) {
      if (omitted) out.push(marker(`${omitted} log lines omitted`));
      omitted = 0;
      out.push(line);
      budget--;
    } else omitted++;
  }
  if (omitted) out.push(marker(`${omitted} log lines omitted`));
  out.push(...lines.slice(lines.length - tail));
  return out;
}

export function crunchLogText(text: string, maxLines: number): string {
  const lines = text.split("\n");
  return keepHeadTailAndImportant(collapseRepeats(collapseTraces(lines)), maxLines).join("\n");
}

/** Crunches the whole text when it is a log, otherwise each fenced block that is one and any long trace. */
export function crunchLogs(text: string, maxLines: number): string {
  if (classify(text) === "log") return crunchLogText(text, maxLines);
  const segments = splitFences(text).map((s) => {
    if (s.fenced && classify(s.text) === "log") return { ...s, text: crunchLogText(s.text, maxLines) };
    return { ...s, text: collapseTraces(s.text.split("\n")).join("\n") };
  });
  return joinFences(segments);
}
