// The router's heads artifact (ADR-027): small linear softmax heads over one encoder's sentence
// embeddings, stored as JSON. Heads only make sense for the encoder they were trained on, so the
// artifact names that encoder and its dimension, and loading checks both.
import { readFileSync } from "node:fs";

export const HEAD_NAMES = ["task_type", "complexity", "persona", "domain"] as const;
export type HeadName = (typeof HEAD_NAMES)[number];

export const ARTIFACT_FORMAT = "isartor-router-heads";
export const ARTIFACT_VERSION = 1;

export interface LinearHead {
  /** class names, in the order of the rows of `weights` and the entries of `bias` */
  labels: string[];
  /** one row of `dim` weights per label */
  weights: number[][];
  bias: number[];
}

export interface HeadReport {
  train_examples: number;
  holdout_examples: number;
  train_accuracy: number;
  /** null when the head had too few examples to hold any out */
  holdout_accuracy: number | null;
  /** per label: held-out examples predicted right / held out (recall), for skewed label counts */
  holdout_by_label?: Record<string, { right: number; total: number }>;
}

export interface RouterArtifact {
  format: typeof ARTIFACT_FORMAT;
  version: typeof ARTIFACT_VERSION;
  /** the embedding model the heads were trained on (sidecar model name or in-process model id) */
  encoder: string;
  dim: number;
  heads: Partial<Record<HeadName, LinearHead>>;
  /** how the heads were fitted (informational) */
  training?: { data: string; seed: number; epochs: number; l2: number; learning_rate: number; reports: Partial<Record<HeadName, HeadReport>> };
}

export class ArtifactError extends Error {
  override name = "ArtifactError";
}

function finiteList(v: unknown, length: number): v is number[] {
  return Array.isArray(v) && v.length === length && v.every((x) => typeof x === "number" && Number.isFinite(x));
}

/** Checks the shape of a parsed artifact; throws an ArtifactError naming the first bad field. */
export function validateArtifact(value: unknown): RouterArtifact {
  const a = value as Partial<RouterArtifact> | null;
  const fail = (msg: string): never => {
    throw new ArtifactError(msg);
  };
  if (!a || typeof a !== "object" || Array.isArray(a)) fail("artifact must be a JSON object");
  if (a!.format !== ARTIFACT_FORMAT) fail(`format must be "${ARTIFACT_FORMAT}", got ${JSON.stringify(a!.format)}`);
  if (a!.version !== ARTIFACT_VERSION) fail(`version must be ${ARTIFACT_VERSION}, got ${JSON.stringify(a!.version)}`);
  if (typeof a!.encoder !== "string" || !a!.encoder.trim()) fail("encoder must name the embedding model the heads were trained on");
  if (!Number.isInteger(a!.dim) || a!.dim! < 1) fail(`dim must be a positive integer, got ${JSON.stringify(a!.dim)}`);
  const heads = a!.heads;
  if (!heads || typeof heads !== "object" || Array.isArray(heads)) fail("heads must be an object of head name → {labels, weights, bias}");
  const names = Object.keys(heads!);
  if (names.length === 0) fail(`heads must contain at least one of ${HEAD_NAMES.join(", ")}`);
  for (const name of names) {
    if (!(HEAD_NAMES as readonly string[]).includes(name)) fail(`heads.${name} is not a known head (${HEAD_NAMES.join(", ")})`);
    const h = (heads as Record<string, Partial<LinearHead>>)[name]!;
    const labels = h.labels;
    if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === "string" && l.trim() !== "")) {
      fail(`heads.${name}.labels must list at least two non-empty label names`);
    }
    if (new Set(labels).size !== labels!.length) fail(`heads.${name}.labels must not repeat a label`);
    if (labels!.includes("default")) fail(`heads.${name}.labels must not contain "default" (it is the rules' wildcard)`);
    if (!Array.isArray(h.weights) || h.weights.length !== labels!.length) fail(`heads.${name}.weights must have one row per label (${labels!.length})`);
    h.weights!.forEach((row, i) => {
      if (!finiteList(row, a!.dim!)) fail(`heads.${name}.weights[${i}] must be ${a!.dim} finite numbers`);
    });
    if (!finiteList(h.bias, labels!.length)) fail(`heads.${name}.bias must be ${labels!.length} finite numbers`);
  }
  return a as RouterArtifact;
}

export function parseArtifact(json: string): RouterArtifact {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new ArtifactError(`not JSON: ${(err as Error).message}`);
  }
  return validateArtifact(value);
}

export function loadArtifact(path: string): RouterArtifact {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ArtifactError(`cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return parseArtifact(text);
  } catch (err) {
    throw new ArtifactError(`${path}: ${(err as Error).message}`);
  }
}

/** Compact JSON: weights rounded to 6 significant digits (far below what changes a prediction). */
export function serializeArtifact(artifact: RouterArtifact): string {
  return JSON.stringify(artifact, (_key, v) => (typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v));
}
