// Training data for `isartor router train|eval`: JSON lines of
//   {"text": "...", "task_type": "code", "complexity": "complex", "persona": "...", "domain": "..."}
// ("prompt" is accepted for "text"; any subset of the four heads may be labelled per line).
import { HEAD_NAMES, type HeadName } from "./artifact.ts";

export interface LabelledText {
  text: string;
  labels: Partial<Record<HeadName, string>>;
}

export function parseDataset(jsonl: string, source = "data"): LabelledText[] {
  const out: LabelledText[] = [];
  jsonl.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    const at = `${source}:${i + 1}`;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line);
    } catch (err) {
      throw new Error(`${at}: not JSON (${(err as Error).message})`);
    }
    const text = row.text ?? row.prompt;
    if (typeof text !== "string" || !text.trim()) throw new Error(`${at}: needs a non-empty "text" (or "prompt") string`);
    const labels: LabelledText["labels"] = {};
    for (const head of HEAD_NAMES) {
      const v = row[head];
      if (v === undefined || v === null) continue;
      if (typeof v !== "string" || !v.trim() || v === "default") throw new Error(`${at}: "${head}" must be a non-empty label other than "default"`);
      labels[head] = v;
    }
    if (Object.keys(labels).length === 0) throw new Error(`${at}: labels none of the heads (${HEAD_NAMES.join(", ")})`);
    out.push({ text, labels });
  });
  if (out.length === 0) throw new Error(`${source}: no examples`);
  return out;
}
