// Top-k cross-check: a question almost as close to another cached question with a different answer
// is ambiguous between the two, and the cache cannot know which answer it asks for ("sort a list"
// sits between "sort a dict" and "sort a set"). Only rivals that the lexical guard would accept count:
// a rival that is plainly a different question (another number, a name swapped) is no evidence.
import type { ChatResponse } from "../../pipeline/types.ts";
import type { VectorMatch } from "../vector-store.ts";

/** how close (in cosine) a rival with a different answer may come to the best match before it is ambiguous */
export const DEFAULT_AMBIGUITY_MARGIN = 0.01;

const answerText = (r: ChatResponse) => JSON.stringify(r.message.content);

/** the rival that makes `match` ambiguous, if any */
export function ambiguousRival(match: VectorMatch, neighbours: VectorMatch[], margin: number, plausible: (m: VectorMatch) => boolean): VectorMatch | undefined {
  if (margin <= 0) return undefined;
  const answer = answerText(match.entry.response);
  return neighbours.find(
    (other) => other !== match && other.entry.question !== match.entry.question && other.score >= match.score - margin && answerText(other.entry.response) !== answer && plausible(other),
  );
}
