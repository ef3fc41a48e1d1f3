// Threshold calibration for L1b: replays labelled question pairs (same question / different question)
// through an encoder and the false-hit guard, and tabulates recall and precision per threshold.
// Used by `isartor cache calibrate` and scripts/bench/deflection.ts. Each encoder has its own similarity
// scale (USE-lite's paraphrases sit higher than MiniLM's), so a threshold only means something per model.
import { verifySemanticMatch } from "./false-hit-guard.ts";

export interface QuestionPair {
  origin: string;
  similar: string;
}

export interface LabelledPair {
  /** the question already in the cache */
  cached: string;
  /** the question asked now */
  incoming: string;
  /** true when both ask for the same thing (a hit is right), false for a near miss (a hit is wrong) */
  same: boolean;
  /** how a negative was made (neighbour, antonym, …), for per-kind reports */
  kind?: string;
}

export interface ScoredPair extends LabelledPair {
  score: number;
  /** the lexical guard's verdict */
  guardAccepts: boolean;
}

export interface CurveRow {
  threshold: number;
  recall: number;
  precision: number;
  falseHits: number;
  recallGuarded: number;
  precisionGuarded: number;
  falseHitsGuarded: number;
}

export const DEFAULT_THRESHOLDS = [0.75, 0.8, 0.85, 0.9, 0.95];

export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Scores every pair: `embed` gets each distinct text once (in batches of `batch`). */
export async function scorePairs(pairs: LabelledPair[], embed: (texts: string[]) => Promise<Float32Array[]>, batch = 64): Promise<ScoredPair[]> {
  const texts = [...new Set(pairs.flatMap((p) => [p.cached, p.incoming]))];
  const vectors = new Map<string, Float32Array>();
  for (let i = 0; i < texts.length; i += batch) {
    const chunk = texts.slice(i, i + batch);
    (await embed(chunk)).forEach((v, k) => vectors.set(chunk[k]!, v));
  }
  return pairs.map((p) => ({ ...p, score: cosine(vectors.get(p.cached)!, vectors.get(p.incoming)!), guardAccepts: verifySemanticMatch(p.incoming, p.cached).accept }));
}

const ratio = (n: number, d: number) => (d ? n / d : 1);

export function curve(scored: ScoredPair[], thresholds: number[] = DEFAULT_THRESHOLDS, extra: (p: ScoredPair) => boolean = () => true): CurveRow[] {
  const positives = scored.filter((p) => p.same).length;
  return thresholds.map((threshold) => {
    let tp = 0;
    let fp = 0;
    let tpg = 0;
    let fpg = 0;
    for (const p of scored) {
      if (p.score < threshold) continue;
      const guarded = p.guardAccepts && extra(p);
      if (p.same) {
        tp++;
        if (guarded) tpg++;
      } else {
        fp++;
        if (guarded) fpg++;
      }
    }
    return {
      threshold,
      recall: ratio(tp, positives),
      precision: ratio(tp, tp + fp),
      falseHits: fp,
      recallGuarded: ratio(tpg, positives),
      precisionGuarded: ratio(tpg, tpg + fpg),
      falseHitsGuarded: fpg,
    };
  });
}

export interface Suggestion {
  threshold: number;
  recall: number;
  precision: number;
  /** false when no threshold reached the target precision: then the most precise one is given */
  metTarget: boolean;
}

/** The lowest threshold (most recall) whose guarded precision reaches `target`; else the most precise. */
export function suggestThreshold(scored: ScoredPair[], target = 0.995): Suggestion {
  const grid = Array.from({ length: 30 }, (_, i) => Math.round((0.7 + i * 0.01) * 100) / 100);
  const rows = curve(scored, grid);
  const met = rows.find((r) => r.precisionGuarded >= target && r.recallGuarded > 0);
  if (met) return { threshold: met.threshold, recall: met.recallGuarded, precision: met.precisionGuarded, metTarget: true };
  const best = rows.reduce((a, b) => (b.precisionGuarded > a.precisionGuarded || (b.precisionGuarded === a.precisionGuarded && b.recallGuarded > a.recallGuarded) ? b : a));
  return { threshold: best.threshold, recall: best.recallGuarded, precision: best.precisionGuarded, metTarget: false };
}

const normalise = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();

/**
 * Hard negatives without labels: each pair's origin with the nearest *other* origin by the encoder,
 * skipping texts that are paraphrases of it in the file (same pair or a pair sharing a text).
 */
export function neighbourNegatives(pairs: QuestionPair[], originVectors: Float32Array[]): LabelledPair[] {
  const group = new Map<string, Set<string>>();
  for (const p of pairs) {
    const [a, b] = [normalise(p.origin), normalise(p.similar)];
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) (group.get(x) ?? group.set(x, new Set([x])).get(x)!).add(y);
  }
  const out: LabelledPair[] = [];
  pairs.forEach((p, i) => {
    const own = group.get(normalise(p.origin))!;
    let best = -2;
    let bestJ = -1;
    for (let j = 0; j < pairs.length; j++) {
      if (j === i || own.has(normalise(pairs[j]!.origin))) continue;
      const s = cosine(originVectors[i]!, originVectors[j]!);
      if (s > best) [best, bestJ] = [s, j];
    }
    if (bestJ >= 0) out.push({ cached: p.origin, incoming: pairs[bestJ]!.origin, same: false, kind: "neighbour" });
  });
  return out;
}

export const positivesOf = (pairs: QuestionPair[]): LabelledPair[] => pairs.map((p) => ({ cached: p.origin, incoming: p.similar, same: true }));
