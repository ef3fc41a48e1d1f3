// Inference: each head is a softmax over (weights · embedding + bias).
import type { HeadName, LinearHead, RouterArtifact } from "./artifact.ts";

export interface HeadPrediction {
  label: string;
  /** softmax probability of `label` */
  confidence: number;
}

export type Classification = Partial<Record<HeadName, HeadPrediction>>;

export function softmax(logits: Float64Array): Float64Array {
  let max = -Infinity;
  for (const z of logits) if (z > max) max = z;
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

export function headProbabilities(head: LinearHead, x: ArrayLike<number>): Float64Array {
  const logits = new Float64Array(head.labels.length);
  for (let k = 0; k < logits.length; k++) {
    const w = head.weights[k]!;
    let z = head.bias[k]!;
    for (let j = 0; j < w.length; j++) z += w[j]! * x[j]!;
    logits[k] = z;
  }
  return softmax(logits);
}

export function predictHead(head: LinearHead, x: ArrayLike<number>): HeadPrediction {
  const p = headProbabilities(head, x);
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
  return { label: head.labels[best]!, confidence: p[best]! };
}

export class DimensionMismatchError extends Error {
  override name = "DimensionMismatchError";
}

/** Runs every head of the artifact on one embedding. */
export function classify(artifact: RouterArtifact, embedding: ArrayLike<number>): Classification {
  if (embedding.length !== artifact.dim) {
    throw new DimensionMismatchError(`the embedder returned ${embedding.length}-d vectors but the heads were trained on ${artifact.dim}-d vectors of ${artifact.encoder}`);
  }
  const out: Classification = {};
  for (const [name, head] of Object.entries(artifact.heads) as [HeadName, LinearHead][]) out[name] = predictHead(head, embedding);
  return out;
}

/** "task_type=code:0.91,complexity=complex:0.77" for the debug header. */
export function describeClassification(c: Classification): string {
  return Object.entries(c)
    .map(([name, p]) => `${name}=${p!.label}:${p!.confidence.toFixed(2)}`)
    .join(",");
}
