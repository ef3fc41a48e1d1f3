// Cheap verification after a vector match. Sentence embeddings place "capital of France" and
// "capital of Germany" (or "reset my password" / "reset my username", "2 tickets" / "3 tickets",
// "can I" / "can't I") close together; a semantic cache that trusted them would answer the wrong
// question. The guard compares what such near misses differ in: numbers, negation, names, and the
// one swapped content word in otherwise identical wording.
import { stemmer } from "stemmer";

export type GuardVerdict = { accept: true } | { accept: false; reason: "numbers" | "negation" | "entities" | "swapped_word" };

const STOPWORDS = new Set(
  (
    "a an the and or but if then so of to in on at by for with from about as into onto over under up down out off " +
    "is are was were be been being am do does did doing done have has had having will would shall should can could may might must " +
    "i me my mine myself you your yours yourself we us our ours he him his she her hers it its they them their theirs " +
    "this that these those there here what which who whom whose when where why how whats hows wheres " +
    "some any all each every other another such own same more most very really just also too quite " +
    "than there's it's i'm i've i'd you're we're they're let's please tell explain know want need like get " +
    "way ways thing things one's something anything someone anyone best good made make makes making got gets getting " +
    "wants needs knows likes told explained use used using " +
    // light words paraphrases add or drop freely ("your return policy" / "how do returns work")
    "work works working policy policies process procedure option options info information detail details " +
    "possible able allowed available mean means happen happens exist exists done"
  ).split(/\s+/),
);

const NEGATIONS = new Set(["not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot", "nowhere"]);

const NUMBER_WORDS: Record<string, string> = {
  zero: "0", one: "1", two: "2", three: "3", four: "4", five: "5", six: "6", seven: "7", eight: "8", nine: "9", ten: "10",
  eleven: "11", twelve: "12", thirteen: "13", fourteen: "14", fifteen: "15", sixteen: "16", seventeen: "17", eighteen: "18",
  nineteen: "19", twenty: "20", thirty: "30", forty: "40", fifty: "50", sixty: "60", seventy: "70", eighty: "80", ninety: "90",
  hundred: "100", thousand: "1000", million: "1000000", billion: "1000000000",
};

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

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’+#.-]*[\p{L}\p{N}+#]|[\p{L}\p{N}]/gu;

interface Analysis {
  numbers: string[];
  /** numbers written with digits, which pin a question to a value */
  digits: number;
  negations: number;
  entities: Set<string>;
  /** stemmed content words */
  content: Set<string>;
  /** every token lowercased, stemmed and unstemmed, to find entities in loosely */
  all: Set<string>;
}

function numberValue(token: string): string | undefined {
  const plain = token.replace(/[,’']/g, "");
  if (/^\d+(\.\d+)?$/.test(plain)) return String(Number(plain));
  if (/\d/.test(token)) return token.toLowerCase();
  return NUMBER_WORDS[token.toLowerCase()];
}

export function analyze(text: string): Analysis {
  const tokens = text.match(WORD) ?? [];
  const a: Analysis = { numbers: [], digits: 0, negations: 0, entities: new Set(), content: new Set(), all: new Set() };
  tokens.forEach((raw, i) => {
    const token = raw.replace(/[.’']+$/, "").replace(/’/g, "'");
    const lower = token.toLowerCase();
    if (/n't$/.test(lower) || NEGATIONS.has(lower)) a.negations++;
    const base = lower.replace(/n't$/, "").replace(/'s$/, "");
    const stem = stemmer(base);
    a.all.add(base).add(stem);
    const num = numberValue(token);
    if (num !== undefined) {
      a.numbers.push(num);
      if (/\d/.test(token)) a.digits++;
      return;
    }
    if (STOPWORDS.has(base) || STOPWORDS.has(stem) || NEGATIONS.has(base) || base.length < 2) return;
    // names: capitalised mid-sentence, all-caps acronyms, or inner capitals (iPhone, PyTorch)
    const sentenceStart = i === 0 || /[.?!]$/.test(tokens[i - 1]!);
    if ((/^\p{Lu}/u.test(token) && !sentenceStart) || /^\p{Lu}{2,}$/u.test(token) || /\p{Ll}\p{Lu}/u.test(token)) a.entities.add(base);
    a.content.add(stem);
  });
  a.numbers.sort();
  return a;
}

/** synonyms, or forms of one word the stemmer keeps apart (analysis / analytics) */
function sameWord(x: string, y: string): boolean {
  const gx = SYNONYM_GROUP.get(x);
  if (gx !== undefined && gx === SYNONYM_GROUP.get(y)) return true;
  let common = 0;
  while (common < x.length && x[common] === y[common]) common++;
  return common >= 5 || (common >= 3 && common === Math.min(x.length, y.length));
}

const missingFrom = (names: Set<string>, other: Analysis) => [...names].filter((e) => !other.all.has(e) && !other.all.has(stemmer(e)));

/** Most content words a question may have for a one-word swap to count as a different question. */
const SHORT_QUESTION_WORDS = 5;

/** Accepts a semantic match of `cached` for `incoming`, or names why the two are different questions. */
export function verifySemanticMatch(incoming: string, cached: string): GuardVerdict {
  const a = analyze(incoming);
  const b = analyze(cached);
  const numbersDiffer = a.numbers.join(" ") !== b.numbers.join(" ");
  // a value on both sides that differs, or a digit-written value only one side asks about
  if (numbersDiffer && ((a.numbers.length && b.numbers.length) || a.digits !== b.digits)) return { accept: false, reason: "numbers" };
  if (a.negations > 0 !== b.negations > 0) return { accept: false, reason: "negation" };
  // a name swapped for another (France / Germany); a name only one side mentions is extra detail
  if (missingFrom(a.entities, b).length && missingFrom(b.entities, a).length) return { accept: false, reason: "entities" };
  // In a short question, identical wording with one content word swapped is the signature of a near
  // miss ("reset my password" / "reset my username"); paraphrases rewrite more or swap a synonym.
  const onlyA = [...a.content].filter((w) => !b.content.has(w));
  const onlyB = [...b.content].filter((w) => !a.content.has(w));
  const union = a.content.size + onlyB.length;
  if (onlyA.length === 1 && onlyB.length === 1 && union <= SHORT_QUESTION_WORDS && !sameWord(onlyA[0]!, onlyB[0]!)) {
    return { accept: false, reason: "swapped_word" };
  }
  return { accept: true };
}
