// Fits the router heads: multinomial logistic (softmax) regression per head, mini-batch gradient
// descent with L2 regularisation and class-balanced example weights, fully deterministic for a
// given seed (shuffles and the holdout split use a seeded PRNG; weights start at zero).
import { ARTIFACT_FORMAT, ARTIFACT_VERSION, HEAD_NAMES, type HeadName, type HeadReport, type LinearHead, type RouterArtifact } from "./artifact.ts";
import { predictHead, softmax } from "./classify.ts";

export interface LabelledVector {
  vector: ArrayLike<number>;
  labels: Partial<Record<HeadName, string>>;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** L2 penalty on the weights (not the bias) */
  l2: number;
  /** share of each label's examples held out for the accuracy report */
  holdout: number;
  seed: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { epochs: 150, batchSize: 32, learningRate: 0.5, l2: 1e-4, holdout: 0.2, seed: 1 };

/** mulberry32: a small, well-mixed 32-bit PRNG */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

interface Sample {
  x: ArrayLike<number>;
  y: number;
}

/** Fits one softmax head on samples whose labels are indices into `labels`. */
export function fitHead(samples: Sample[], labels: string[], dim: number, opts: TrainOptions, random: () => number): LinearHead {
  const k = labels.length;
  const W = Array.from({ length: k }, () => new Float64Array(dim));
  const b = new Float64Array(k);
  // class-balanced weights: each label contributes as if it had the same number of examples
  const counts = new Array<number>(k).fill(0);
  for (const s of samples) counts[s.y]!++;
  const classWeight = counts.map((c) => (c ? samples.length / (k * c) : 0));
  const order = samples.map((_, i) => i);
  const gW = Array.from({ length: k }, () => new Float64Array(dim));
  const gb = new Float64Array(k);
  const logits = new Float64Array(k);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    shuffle(order, random);
    for (let start = 0; start < order.length; start += opts.batchSize) {
      const batch = order.slice(start, start + opts.batchSize);
      for (let c = 0; c < k; c++) gW[c]!.fill(0);
      gb.fill(0);
      for (const i of batch) {
        const { x, y } = samples[i]!;
        for (let c = 0; c < k; c++) {
          const w = W[c]!;
          let z = b[c]!;
          for (let j = 0; j < dim; j++) z += w[j]! * x[j]!;
          logits[c] = z;
        }
        const p = softmax(logits);
        const sw = classWeight[y]!;
        for (let c = 0; c < k; c++) {
          const g = (p[c]! - (c === y ? 1 : 0)) * sw;
          if (g === 0) continue;
          const gw = gW[c]!;
          for (let j = 0; j < dim; j++) gw[j]! += g * x[j]!;
          gb[c]! += g;
        }
      }
      const step = opts.learningRate / batch.length;
      for (let c = 0; c < k; c++) {
        const w = W[c]!;
        const gw = gW[c]!;
        for (let j = 0; j < dim; j++) w[j]! -= step * gw[j]! + opts.learningRate * opts.l2 * w[j]!;
        b[c]! -= step * gb[c]!;
      }
    }
  }
  return { labels, weights: W.map((w) => Array.from(w)), bias: Array.from(b) };
}

export function accuracy(head: LinearHead, samples: Sample[]): number {
  if (samples.length === 0) return NaN;
  let right = 0;
  for (const s of samples) if (predictHead(head, s.x).label === head.labels[s.y]) right++;
  return right / samples.length;
}

function recallByLabel(head: LinearHead, samples: Sample[]): Record<string, { right: number; total: number }> {
  const out: Record<string, { right: number; total: number }> = {};
  for (const s of samples) {
    const label = head.labels[s.y]!;
    const r = (out[label] ??= { right: 0, total: 0 });
    r.total++;
    if (predictHead(head, s.x).label === label) r.right++;
  }
  return out;
}

/** Per label, a seeded share goes to the holdout set (a label with one example stays in training). */
function split(samples: Sample[], k: number, share: number, random: () => number): { train: Sample[]; holdout: Sample[] } {
  const train: Sample[] = [];
  const holdout: Sample[] = [];
  for (let c = 0; c < k; c++) {
    const of = shuffle(samples.filter((s) => s.y === c), random);
    const n = of.length >= 2 ? Math.min(of.length - 1, Math.round(of.length * share)) : 0;
    holdout.push(...of.slice(0, n));
    train.push(...of.slice(n));
  }
  return { train, holdout };
}

export interface TrainResult {
  artifact: RouterArtifact;
  reports: Partial<Record<HeadName, HeadReport>>;
  /** heads left out and why (fewer than two labels in the data) */
  skipped: Partial<Record<HeadName, string>>;
}

export function trainHeads(data: LabelledVector[], meta: { encoder: string; source: string }, options: Partial<TrainOptions> = {}): TrainResult {
  const opts = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  if (data.length === 0) throw new Error("no training examples");
  const dim = data[0]!.vector.length;
  const bad = data.findIndex((d) => d.vector.length !== dim);
  if (bad >= 0) throw new Error(`example ${bad + 1} has a ${data[bad]!.vector.length}-d vector, the others ${dim}-d`);
  const random = seededRandom(opts.seed);
  const heads: RouterArtifact["heads"] = {};
  const reports: TrainResult["reports"] = {};
  const skipped: TrainResult["skipped"] = {};
  for (const name of HEAD_NAMES) {
    const labelled = data.filter((d) => d.labels[name] !== undefined);
    const labels = [...new Set(labelled.map((d) => d.labels[name]!))].sort();
    if (labels.length < 2) {
      if (labelled.length) skipped[name] = `only one label (${labels[0]}) in the data`;
      continue;
    }
    const samples = labelled.map((d) => ({ x: d.vector, y: labels.indexOf(d.labels[name]!) }));
    const { train, holdout } = split(samples, labels.length, opts.holdout, random);
    const head = fitHead(train, labels, dim, opts, random);
    heads[name] = head;
    const held = accuracy(head, holdout);
    reports[name] = { train_examples: train.length, holdout_examples: holdout.length, train_accuracy: accuracy(head, train), holdout_accuracy: Number.isNaN(held) ? null : held, holdout_by_label: recallByLabel(head, holdout) };
  }
  if (Object.keys(heads).length === 0) throw new Error(`no head has two or more labels in the data (heads: ${HEAD_NAMES.join(", ")})`);
  const artifact: RouterArtifact = {
    format: ARTIFACT_FORMAT,
    version: ARTIFACT_VERSION,
    encoder: meta.encoder,
    dim,
    heads,
    training: { data: meta.source, seed: opts.seed, epochs: opts.epochs, l2: opts.l2, learning_rate: opts.learningRate, reports },
  };
  return { artifact, reports, skipped };
}
