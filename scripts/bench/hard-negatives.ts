// Hard negatives for the semantic-cache benchmarks: question pairs on the same topic that ask for
// different things. Two independent constructions, so a guard cannot be tuned to one of them:
//  - "neighbour" (src/cache/calibration.ts neighbourNegatives): each question with its nearest *other*
//    question of the set by the encoder, the non-duplicate a real cache would actually match;
//  - template edits of the paraphrase: one word swapped for a WordNet antonym, a WordNet co-hyponym
//    noun ("cake" → "pie") or verb ("delete" → "restore"-like sibling actions), a number, ordinal or
//    roman numeral changed, or a negation inserted.
// Each negative is (cached = origin, incoming = edited or neighbouring question).
import { readSynsets, type Synset } from "../wordnet/read-wordnet.ts";

export interface Pair {
  origin: string;
  similar: string;
}
export type NegativeKind = "neighbour" | "antonym" | "noun_sibling" | "verb_sibling" | "number" | "negation";
export interface Negative extends Pair {
  kind: NegativeKind;
}

/** deterministic split: even-numbered pairs tune (dev), odd-numbered ones are reported (test) */
export const splitOf = (index: number): "dev" | "test" => (index % 2 === 0 ? "dev" : "test");

interface Lexicon {
  antonyms: Map<string, string[]>;
  nounSiblings: Map<string, string[]>;
  verbSiblings: Map<string, string[]>;
}
let lexicon: Lexicon | undefined;

function siblings(synsets: Map<string, Synset>, pos: "n" | "v"): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of synsets.values()) {
    if (s.pos !== pos) continue;
    const hypernym = s.pointers.find((p) => p.symbol === "@");
    if (!hypernym) continue;
    const kin = (synsets.get(hypernym.target)?.pointers ?? [])
      .filter((p) => p.symbol === "~" && p.target !== s.id)
      .flatMap((p) => synsets.get(p.target)?.words ?? [])
      .filter((w) => /^[a-z]{3,}$/.test(w) && !s.words.includes(w));
    for (const w of s.words) if (/^[a-z]{3,}$/.test(w) && !out.has(w) && kin.length) out.set(w, kin); // first sense wins
  }
  return out;
}

function loadLexicon(): Lexicon {
  if (lexicon) return lexicon;
  const synsets = readSynsets();
  const antonyms = new Map<string, string[]>();
  for (const s of synsets.values()) {
    for (const p of s.pointers) {
      if (p.symbol !== "!") continue;
      const a = s.words[p.source - 1];
      const b = synsets.get(p.target)?.words[p.targetWord - 1];
      if (a && b && /^[a-z]+$/.test(a) && /^[a-z]+$/.test(b)) (antonyms.get(a) ?? antonyms.set(a, []).get(a)!).push(b);
    }
  }
  lexicon = { antonyms, nounSiblings: siblings(synsets, "n"), verbSiblings: siblings(synsets, "v") };
  return lexicon;
}

/** small seeded generator, so the negatives are the same on every run */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const COMMON = new Set("what which when where why how who is are was were the a an and or of to in on for with do does did can could should would will you your my i me it this that be have has from by at as".split(" "));
const ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
const ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"];
const NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
const AUXILIARIES = /\b(is|are|was|were|can|could|should|would|will|does|do|did|has|have)\b/i;

type Edit = (text: string, pick: () => number) => string | undefined;

function swapWord(table: () => Map<string, string[]>): Edit {
  return (text, pick) => {
    const words = [...text.matchAll(/[A-Za-z]+/g)].filter((m) => m[0] === m[0].toLowerCase() && !COMMON.has(m[0]) && table().has(m[0]));
    if (!words.length) return undefined;
    const m = words[Math.floor(pick() * words.length)]!;
    const options = table().get(m[0])!;
    const replacement = options[Math.floor(pick() * options.length)]!;
    return text.slice(0, m.index) + replacement + text.slice(m.index! + m[0].length);
  };
}

const EDITS: Record<Exclude<NegativeKind, "neighbour">, Edit> = {
  antonym: swapWord(() => loadLexicon().antonyms),
  noun_sibling: swapWord(() => loadLexicon().nounSiblings),
  verb_sibling: swapWord(() => loadLexicon().verbSiblings),
  number(text, pick) {
    const digit = text.match(/\b\d+\b/);
    if (digit) return text.replace(digit[0], String(Number(digit[0]) + 1 + Math.floor(pick() * 3)));
    for (const list of [ORDINALS, NUMBER_WORDS]) {
      const found = list.find((w) => new RegExp(`\\b${w}\\b`, "i").test(text));
      if (found) return text.replace(new RegExp(`\\b${found}\\b`, "i"), list[(list.indexOf(found) + 1) % list.length]!);
    }
    const roman = text.match(/\b[A-Z][a-z]+ (I{1,3}|IV|V|VI{0,3}|IX|X)\b/);
    if (roman) return text.replace(roman[0], roman[0].replace(/\S+$/, ROMAN[(ROMAN.indexOf(roman[1]!) + 1) % ROMAN.length]!));
    return undefined;
  },
  negation(text) {
    if (/\b(not|never|no)\b|n't\b/i.test(text)) return undefined;
    const aux = text.match(AUXILIARIES);
    return aux ? text.replace(aux[0], `${aux[0]} not`) : undefined;
  },
};

/** One template edit of each pair's paraphrase, the kind chosen round-robin among those that apply. */
export function templateNegatives(ps: Pair[], seed = 19): Negative[] {
  const pick = rng(seed);
  const kinds = Object.keys(EDITS) as (keyof typeof EDITS)[];
  const out: Negative[] = [];
  ps.forEach((p, i) => {
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(i + k) % kinds.length]!;
      const edited = EDITS[kind](p.similar, pick);
      if (edited && edited !== p.similar) {
        out.push({ kind, origin: p.origin, similar: edited });
        return;
      }
    }
  });
  return out;
}
