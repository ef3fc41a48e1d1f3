// The small language models L2 knows by name: where each GGUF lives on the hub and in the model cache.
// Seed 001's default (Gemma-2-2B-IT Q4_K_M) plus smaller Qwen2.5 instruct builds for small machines.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { modelDirIn } from "./model-files.ts";

export interface SlmModelSpec {
  /** the name used in layer2.model and `isartor models pull slm --model` */
  key: string;
  repoId: string;
  ggufFilename: string;
  approxBytes: number;
}

export const SLM_MODELS: readonly SlmModelSpec[] = [
  { key: "gemma-2-2b-it", repoId: "mradermacher/gemma-2-2b-it-GGUF", ggufFilename: "gemma-2-2b-it.Q4_K_M.gguf", approxBytes: 1_710_000_000 },
  { key: "qwen2.5-0.5b", repoId: "Qwen/Qwen2.5-0.5B-Instruct-GGUF", ggufFilename: "qwen2.5-0.5b-instruct-q4_k_m.gguf", approxBytes: 491_000_000 },
  { key: "qwen2.5-1.5b", repoId: "Qwen/Qwen2.5-1.5B-Instruct-GGUF", ggufFilename: "qwen2.5-1.5b-instruct-q4_k_m.gguf", approxBytes: 1_120_000_000 },
];

export const DEFAULT_SLM_MODEL = "gemma-2-2b-it";
export const SLM_MODEL_KEYS = SLM_MODELS.map((m) => m.key);

export function slmModelSpec(key: string): SlmModelSpec {
  const spec = SLM_MODELS.find((m) => m.key === key);
  if (!spec) throw new Error(`unknown L2 model '${key}' (known: ${SLM_MODEL_KEYS.join(", ")})`);
  return spec;
}

/** <cache>/<repo owner>/<repo name>/<file>.gguf, the same layout as the embedding models */
export function slmCachePath(cacheDir: string, spec: SlmModelSpec): string {
  return join(modelDirIn(cacheDir, spec.repoId), spec.ggufFilename);
}

export function isCompleteFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile() && statSync(path).size > 0;
}
