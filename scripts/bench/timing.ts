// Latency sampling for the benchmarks: run a step n times in sequence, then read percentiles.

/** The p-quantile (0..1) of the samples, nearest rank below. */
export const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

/** "p50 … ms  p95 … ms" to the microsecond. */
export const fmtMs = (xs: number[]) => `p50 ${pct(xs, 0.5).toFixed(3)} ms  p95 ${pct(xs, 0.95).toFixed(3)} ms`;

/** Milliseconds each of n sequential calls took. */
export async function time(n: number, fn: (i: number) => Promise<unknown> | unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}
