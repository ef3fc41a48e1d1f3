// Cheap verification after a vector match. Sentence embeddings place "capital of France" and
// "capital of Germany" (or "reset my password" / "reset my username", "2 tickets" / "3 tickets",
// "can I" / "can't I", "boiling" / "freezing point") close together; a semantic cache that trusted them
// would answer the wrong question. The guard compares what such near misses differ in: values
// (numbers, ordinals, roman numerals), negation, names, WordNet antonyms, and the one swapped content
// word in otherwise identical wording. A pure function: no model, microseconds.
import { stemmer } from "stemmer";
import { analyze, differingWords, type Analysis } from "./guard/analyze.ts";
import { antonymClash } from "./guard/antonyms.ts";

export { analyze, differingWords } from "./guard/analyze.ts";

export type GuardReason = "numbers" | "negation" | "entities" | "antonym" | "swapped_word";
export type GuardVerdict = { accept: true } | { accept: false; reason: GuardReason; detail?: string };

/** Pairs that differ only by these are still the same question. */
const SYNONYMS: string[][] = [
  ["price", "cost", "fee", "charg", "pay", "pricing"],
  ["buy", "purchas", "order"],
  ["cancel", "terminat", "stop", "end"],
  ["refund", "reimburs", "monei", "money"],
  ["ship", "deliv", "deliveri", "deliver"],
  ["fast", "quick", "quickli", "rapid", "speedi"],
  ["big", "larg", "huge"],
  ["small", "littl", "tini"],
  ["error", "issu", "problem", "bug"],
  ["fix", "solv", "resolv", "repair"],
  ["begin", "start", "commenc"],
  ["make", "creat", "build"],
  ["chang", "modifi", "updat", "edit"],
  ["remov", "delet", "eras"],
  ["show", "displai", "list"],
  ["help", "assist", "support"],
  ["learn", "studi"],
  ["job", "career", "work"],
  ["car", "vehicl", "automobil"],
  ["usa", "us", "america", "unit", "state"],
  ["uk", "britain", "england", "unit", "kingdom"],
];
const SYNONYM_GROUP = new Map<string, number>();
SYNONYMS.forEach((group, i) => group.forEach((w) => SYNONYM_GROUP.set(w, i)));

/** synonyms, or forms of one word the stemmer keeps apart (analysis / analytics) */
function sameWord(x: string, y: string): boolean {
  const gx = SYNONYM_GROUP.get(x);
  if (gx !== undefined && gx === SYNONYM_GROUP.get(y)) return true;
  let common = 0;
  while (common < x.length && x[common] === y[common]) common++;
  return common >= 5 || (common >= 3 && common === Math.min(x.length, y.length));
}

const missingFrom = (names: Set<string>, other: Analysis) => [...names].filter((e) => !other.all.has(e) && !other.all.has(stemmer(e)));

/**
 * Most content words (both questions together) for the swap rule. Measured on the dev split of the QQP
 * pairs with USE-lite at 0.85 (scripts/bench/deflection.ts): 8 halves the false hits for a fifth of the
 * recall; longer texts (GPTCache's statements) reword too much for the rule to tell.
 */
const SHORT_QUESTION_WORDS = 8;

/** Accepts a semantic match of `cached` for `incoming`, or names why the two are different questions. */
export function verifySemanticMatch(incoming: string, cached: string): GuardVerdict {
  return verifyAnalyses(analyze(incoming), analyze(cached));
}

export function verifyAnalyses(a: Analysis, b: Analysis): GuardVerdict {
  const numbersDiffer = a.numbers.join(" ") !== b.numbers.join(" ");
  // a value on both sides that differs, or a digit-written value only one side asks about
  if (numbersDiffer && ((a.numbers.length && b.numbers.length) || a.digits !== b.digits)) return { accept: false, reason: "numbers" };
  if (a.negations > 0 !== b.negations > 0) return { accept: false, reason: "negation" };
  // a name swapped for another (France / Germany); a name only one side mentions is extra detail
  if (missingFrom(a.entities, b).length && missingFrom(b.entities, a).length) return { accept: false, reason: "entities" };
  const { onlyA, onlyB } = differingWords(a, b);
  // against every word of the other side, stop words included: "good" / "bad" (good is filler elsewhere)
  const clash = antonymClash(onlyA, [...b.all].filter((w) => !a.all.has(w))) ?? antonymClash(onlyB, [...a.all].filter((w) => !b.all.has(w)));
  if (clash) return { accept: false, reason: "antonym", detail: clash.join("/") };
  // In a short question, a content word on each side that the other side has no counterpart for (same
  // word, another form of it, or a listed synonym) is the signature of a near miss: the same request
  // about another thing ("reset my password" / "reset my username", "a trie in Java" / "a stack in
  // Java"). Paraphrases reword around the same things, or only add words on one side.
  const unpairedA = onlyA.filter((x) => !onlyB.some((y) => sameWord(x, y)));
  const unpairedB = onlyB.filter((y) => !onlyA.some((x) => sameWord(x, y)));
  const union = a.content.size + onlyB.length;
  if (unpairedA.length && unpairedB.length && union <= SHORT_QUESTION_WORDS) {
    return { accept: false, reason: "swapped_word", detail: `${unpairedA.join(",")}/${unpairedB.join(",")}` };
  }
  return { accept: true };
}
