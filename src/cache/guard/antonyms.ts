// Antonym pairs from WordNet (antonyms.generated.ts, made by scripts/make-antonym-table.ts): an antonym
// swapped in ("increase" / "decrease", "boil" / "freeze", "enable" / "disable") turns a question into
// its opposite while the embedding barely moves.
import { ANTONYM_PAIRS } from "./antonyms.generated.ts";

let table: Map<string, Set<string>> | undefined;

function antonymsOf(stem: string): Set<string> | undefined {
  if (!table) {
    table = new Map();
    for (const pair of ANTONYM_PAIRS.split("|")) {
      const [a, b] = pair.split(" ") as [string, string];
      (table.get(a) ?? table.set(a, new Set()).get(a)!).add(b);
      (table.get(b) ?? table.set(b, new Set()).get(b)!).add(a);
    }
  }
  return table.get(stem);
}

/** a stemmed word one question has whose antonym the other has instead, e.g. ["boil", "freez"] */
export function antonymClash(onlyA: string[], onlyB: string[]): [string, string] | undefined {
  for (const a of onlyA) {
    const opposite = antonymsOf(a);
    if (!opposite) continue;
    const b = onlyB.find((w) => opposite.has(w));
    if (b) return [a, b];
  }
  return undefined;
}
