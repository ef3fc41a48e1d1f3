// A measured alternative check, not in the product (docs/semantic-cache.md says why): the differing
// content words of the two questions judged by their own embeddings against the matched pair. For each
// word only one question has, gap = cos(word, its own question) − cos(word, the other question): a word
// that carries meaning the other question lacks sits closer to its own side. The pair is refused when
// the largest gap exceeds a bound tuned on the dev split. Costs one extra embedding call per match.
import { analyze, differingWords } from "../../src/cache/false-hit-guard.ts";
import { cosine } from "../../src/cache/calibration.ts";

export interface WordGapInput {
  incoming: string;
  cached: string;
}

export function differingSurfaceWords(p: WordGapInput): { onlyIncoming: string[]; onlyCached: string[] } {
  const a = analyze(p.incoming);
  const b = analyze(p.cached);
  const { onlyA, onlyB } = differingWords(a, b);
  return { onlyIncoming: onlyA.map((w) => a.surface.get(w) ?? w), onlyCached: onlyB.map((w) => b.surface.get(w) ?? w) };
}

/** largest gap over the differing words; 0 when the two questions use the same content words */
export function maxWordGap(p: WordGapInput, incoming: Float32Array, cached: Float32Array, wordVector: (w: string) => Float32Array): number {
  const { onlyIncoming, onlyCached } = differingSurfaceWords(p);
  let gap = 0;
  for (const w of onlyIncoming) gap = Math.max(gap, cosine(wordVector(w), incoming) - cosine(wordVector(w), cached));
  for (const w of onlyCached) gap = Math.max(gap, cosine(wordVector(w), cached) - cosine(wordVector(w), incoming));
  return gap;
}
