// L1b's decision after the vector search, as a pure function (the layer and the benchmarks share it):
// the best match at or above the threshold that the false-hit guard accepts and that no rival makes
// ambiguous, or why each candidate was refused.
import { verifySemanticMatch, type GuardReason } from "../false-hit-guard.ts";
import type { VectorMatch } from "../vector-store.ts";
import { ambiguousRival } from "./neighbour-check.ts";

export type Rejection = GuardReason | "ambiguous";

export interface Refusal {
  match: VectorMatch;
  reason: Rejection;
  /** what differed, e.g. "boil/freez", or the rival's score for "ambiguous" */
  detail?: string;
}

export interface MatchChoice {
  accepted?: VectorMatch;
  /** candidates at or above the threshold that were refused, best first */
  refused: Refusal[];
}

/**
 * `neighbours`: the search result, best first, down to `threshold - margin` (rivals just below the
 * threshold count for the cross-check). `guard` false: the best match at the threshold, unverified.
 */
export function chooseMatch(question: string, neighbours: VectorMatch[], opts: { threshold: number; guard: boolean; margin: number }): MatchChoice {
  const refused: Refusal[] = [];
  for (const match of neighbours) {
    if (match.score < opts.threshold) break;
    if (!opts.guard) return { accepted: match, refused };
    const verdict = verifySemanticMatch(question, match.entry.question);
    if (!verdict.accept) {
      refused.push({ match, reason: verdict.reason, ...(verdict.detail ? { detail: verdict.detail } : {}) });
      continue;
    }
    const rival = ambiguousRival(match, neighbours, opts.margin, (other) => verifySemanticMatch(question, other.entry.question).accept);
    if (rival) {
      refused.push({ match, reason: "ambiguous", detail: rival.score.toFixed(4) });
      continue;
    }
    return { accepted: match, refused };
  }
  return { refused };
}
