// Finds the embedding model: explicit path → model cache (ISARTOR_HF_CACHE_DIR or
// ~/.cache/isartor/models) → hub download, which offline mode refuses with the missing file's name.
import { join } from "node:path";
import { DEFAULT_EMBEDDING_MODEL, missingModelFiles, modelCacheDir, modelDirIn } from "./model-files.ts";
import { pullModel, type PullProgress } from "./model-pull.ts";

export class ModelMissingError extends Error {
  override name = "ModelMissingError";
}

export interface ModelResolveOptions {
  /** explicit model directory (embedding.model_path); never downloaded into */
  modelPath: string;
  /** hf_cache_dir; empty = ~/.cache/isartor/models */
  cacheDir: string;
  offline: boolean;
  modelId?: string;
}

export type Resolution = { dir: string; source: "path" | "cache" } | { dir: string; source: "download"; missing: string[] };

function missingMessage(dir: string, missing: string[], why: string, modelId: string): string {
  return (
    `embedding model file${missing.length > 1 ? "s" : ""} missing: ${missing.map((f) => join(dir, f)).join(", ")} — ${why}. ` +
    `On a machine with internet run \`isartor models pull\` and copy its model directory here, ` +
    `or run \`isartor models import <dir>\` with a directory holding ${modelId}'s config.json, tokenizer files and onnx/model_quantized.onnx.`
  );
}

/** Decides where the model is (or must be downloaded to) without touching the network. */
export function resolveEmbeddingModel(opts: ModelResolveOptions): Resolution {
  const modelId = opts.modelId ?? DEFAULT_EMBEDDING_MODEL;
  if (opts.modelPath) {
    const missing = missingModelFiles(opts.modelPath);
    if (missing.length) throw new ModelMissingError(missingMessage(opts.modelPath, missing, "embedding.model_path is never downloaded into", modelId));
    return { dir: opts.modelPath, source: "path" };
  }
  const dir = modelDirIn(modelCacheDir(opts.cacheDir), modelId);
  const missing = missingModelFiles(dir);
  if (!missing.length) return { dir, source: "cache" };
  if (opts.offline) throw new ModelMissingError(missingMessage(dir, missing, "offline mode never downloads", modelId));
  return { dir, source: "download", missing };
}

/** Resolves the model and downloads what is missing; returns its directory. */
export async function ensureEmbeddingModel(opts: ModelResolveOptions & { progress?: PullProgress; endpoint?: string }): Promise<string> {
  const found = resolveEmbeddingModel(opts);
  if (found.source !== "download") return found.dir;
  await pullModel({
    modelId: opts.modelId ?? DEFAULT_EMBEDDING_MODEL,
    cacheDir: modelCacheDir(opts.cacheDir),
    endpoint: opts.endpoint,
    progress: opts.progress,
  });
  return found.dir;
}
