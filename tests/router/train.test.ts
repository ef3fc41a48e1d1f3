// The trainer on synthetic data with known structure: separable clusters must be recovered, the
// result must be reproducible from the seed, and the L2 penalty must shrink the weights.
import { describe, expect, test } from "bun:test";
import { predictHead } from "../../src/router/classify.ts";
import { seededRandom, trainHeads, type LabelledVector } from "../../src/router/train.ts";

const DIM = 16;

/** Points around one random unit centre per label, with Gaussian noise of the given spread. */
function clusters(labels: string[], perLabel: number, spread: number, seed: number): LabelledVector[] {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const centres = labels.map(() => {
    const c = Array.from({ length: DIM }, gauss);
    const n = Math.hypot(...c);
    return c.map((x) => x / n);
  });
  const out: LabelledVector[] = [];
  for (let i = 0; i < perLabel; i++) {
    labels.forEach((label, k) => out.push({ vector: Float32Array.from(centres[k]!.map((x) => x + spread * gauss())), labels: { task_type: label } }));
  }
  return out;
}

const weightNorm = (w: number[][]) => Math.sqrt(w.flat().reduce((s, x) => s + x * x, 0));

describe("softmax regression trainer", () => {
  test("recovers separable clusters: near-perfect on held-out and on fresh points", () => {
    const labels = ["code", "math", "writing", "chat"];
    const result = trainHeads(clusters(labels, 60, 0.15, 7), { encoder: "synthetic", source: "clusters" }, { epochs: 40 });
    const report = result.reports.task_type!;
    expect(report.train_examples + report.holdout_examples).toBe(240);
    expect(report.holdout_examples).toBe(48);
    expect(report.train_accuracy).toBeGreaterThan(0.97);
    expect(report.holdout_accuracy!).toBeGreaterThan(0.95);
    // fresh points from the same centres (same seed → same centres), never seen in training
    const fresh = clusters(labels, 400, 0.15, 7).slice(240);
    const head = result.artifact.heads.task_type!;
    const right = fresh.filter((p) => predictHead(head, p.vector).label === p.labels.task_type).length;
    expect(right / fresh.length).toBeGreaterThan(0.95);
    expect(head.labels).toEqual([...labels].sort());
  });

  test("labels that carry no signal stay near chance on the holdout (no leak from train to holdout)", () => {
    const data = clusters(["x", "y"], 150, 0.15, 3).map((d, i) => ({ ...d, labels: { complexity: seededRandom(i + 100)() < 0.5 ? "simple" : "complex" } }));
    const report = trainHeads(data, { encoder: "synthetic", source: "noise" }, { epochs: 30 }).reports.complexity!;
    expect(report.holdout_accuracy!).toBeLessThan(0.7);
  });

  test("the same seed gives the same weights; another seed another split", () => {
    const data = clusters(["a", "b", "c"], 30, 0.3, 11);
    const one = trainHeads(data, { encoder: "e", source: "d" }, { epochs: 10, seed: 5 });
    const two = trainHeads(data, { encoder: "e", source: "d" }, { epochs: 10, seed: 5 });
    const other = trainHeads(data, { encoder: "e", source: "d" }, { epochs: 10, seed: 6 });
    expect(two.artifact.heads).toEqual(one.artifact.heads);
    expect(other.artifact.heads.task_type!.weights).not.toEqual(one.artifact.heads.task_type!.weights);
  });

  test("L2 regularisation shrinks the weights", () => {
    const data = clusters(["a", "b"], 40, 0.2, 13);
    const free = trainHeads(data, { encoder: "e", source: "d" }, { epochs: 30, l2: 0 }).artifact.heads.task_type!;
    const tight = trainHeads(data, { encoder: "e", source: "d" }, { epochs: 30, l2: 0.2 }).artifact.heads.task_type!;
    expect(weightNorm(tight.weights)).toBeLessThan(weightNorm(free.weights) * 0.5);
  });

  test("each head trains on the lines that label it; a head with one label is skipped with a reason", () => {
    const code = clusters(["code", "writing"], 20, 0.2, 17);
    const data = code.map((d, i) => ({ vector: d.vector, labels: { ...d.labels, persona: "developer", ...(i % 2 ? { domain: i % 4 === 1 ? "software" : "support" } : {}) } }));
    const result = trainHeads(data, { encoder: "e", source: "d" }, { epochs: 5 });
    expect(Object.keys(result.artifact.heads).sort()).toEqual(["domain", "task_type"]);
    expect(result.reports.domain!.train_examples + result.reports.domain!.holdout_examples).toBe(20);
    expect(result.skipped.persona).toContain("only one label");
  });

  test("vectors of different sizes are refused", () => {
    expect(() => trainHeads([{ vector: [1, 0], labels: { task_type: "a" } }, { vector: [1, 0, 0], labels: { task_type: "b" } }], { encoder: "e", source: "d" })).toThrow(/3-d vector/);
  });
});
