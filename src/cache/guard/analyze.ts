// What the false-hit guard reads from a question: its values (numbers, ordinals, roman numerals),
// negations, names, and stemmed content words (stop words and paraphrase filler removed).
import { stemmer } from "stemmer";

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
/** ordinals are values too: "the first" / "the second" season ask for different things */
const ORDINAL_WORDS: Record<string, string> = {
  first: "#1", second: "#2", third: "#3", fourth: "#4", fifth: "#5", sixth: "#6", seventh: "#7", eighth: "#8", ninth: "#9", tenth: "#10",
  eleventh: "#11", twelfth: "#12", twentieth: "#20", hundredth: "#100", last: "#last",
};
const ROMAN_VALUES: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100 };
const ROMAN = /^(X{0,3})(IX|IV|V?I{0,3})$/;

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’+#.-]*[\p{L}\p{N}+#]|[\p{L}\p{N}]/gu;

export interface Analysis {
  numbers: string[];
  /** numbers written with digits, which pin a question to a value */
  digits: number;
  negations: number;
  entities: Set<string>;
  /** stemmed content words */
  content: Set<string>;
  /** stem → the word as written (lowercase), to embed or show a differing word */
  surface: Map<string, string>;
  /** every token lowercased, stemmed and unstemmed, to find entities in loosely */
  all: Set<string>;
}

function romanValue(token: string, afterName: boolean): string | undefined {
  if (!ROMAN.test(token) || token === "") return undefined;
  // "World War I", "Henry VIII", "Rocky II": a numeral follows a name; "Can I" / "and I" is the pronoun
  if (token === "I" || token === "V" || token === "X") {
    if (!afterName) return undefined;
  } else if (!afterName && !/^(II|III|IV|VI|VII|VIII|IX|XI|XII)$/.test(token)) return undefined;
  let total = 0;
  for (let i = 0; i < token.length; i++) {
    const v = ROMAN_VALUES[token[i]!]!;
    const next = ROMAN_VALUES[token[i + 1] ?? ""] ?? 0;
    total += v < next ? -v : v;
  }
  // ordinal: "World War II" is "the Second World War"
  return `#${total}`;
}

function numberValue(token: string): string | undefined {
  const plain = token.replace(/[,’']/g, "");
  if (/^\d+(\.\d+)?$/.test(plain)) return String(Number(plain));
  const ordinal = plain.toLowerCase().match(/^(\d+)(st|nd|rd|th)$/);
  if (ordinal) return `#${Number(ordinal[1])}`;
  if (/\d/.test(token)) return token.toLowerCase();
  return NUMBER_WORDS[token.toLowerCase()] ?? ORDINAL_WORDS[token.toLowerCase()];
}

const startsSentence = (tokens: string[], i: number) => i === 0 || /[.?!]$/.test(tokens[i - 1]!);

export function analyze(text: string): Analysis {
  const tokens = text.match(WORD) ?? [];
  const a: Analysis = { numbers: [], digits: 0, negations: 0, entities: new Set(), content: new Set(), surface: new Map(), all: new Set() };
  tokens.forEach((raw, i) => {
    const token = raw.replace(/[.’']+$/, "").replace(/’/g, "'");
    const lower = token.toLowerCase();
    if (/n't$/.test(lower) || NEGATIONS.has(lower)) a.negations++;
    const base = lower.replace(/n't$/, "").replace(/'s$/, "");
    const stem = stemmer(base);
    a.all.add(base).add(stem);
    const sentenceStart = startsSentence(tokens, i);
    const afterName = i > 0 && !startsSentence(tokens, i - 1) && /^\p{Lu}/u.test(tokens[i - 1]!);
    const num = romanValue(token, afterName) ?? numberValue(token);
    if (num !== undefined) {
      a.numbers.push(num);
      if (/\d/.test(token) || /^[IVX]+$/.test(token)) a.digits++;
      return;
    }
    if (STOPWORDS.has(base) || STOPWORDS.has(stem) || NEGATIONS.has(base) || base.length < 2) return;
    // names: capitalised mid-sentence, all-caps acronyms, or inner capitals (iPhone, PyTorch)
    if ((/^\p{Lu}/u.test(token) && !sentenceStart) || /^\p{Lu}{2,}$/u.test(token) || /\p{Ll}\p{Lu}/u.test(token)) a.entities.add(base);
    a.content.add(stem);
    if (!a.surface.has(stem)) a.surface.set(stem, base);
  });
  a.numbers.sort();
  return a;
}

/** content words (stems) of `a` that `b` lacks, and the other way round */
export function differingWords(a: Analysis, b: Analysis): { onlyA: string[]; onlyB: string[] } {
  return { onlyA: [...a.content].filter((w) => !b.content.has(w)), onlyB: [...b.content].filter((w) => !a.content.has(w)) };
}
