// Finds the L2 GGUF: explicit path (layer2.model_path) → model cache (ISARTOR_HF_CACHE_DIR or
// ~/.cache/isartor/models) → hub download, which offline mode refuses naming the file and the
// command that imports it.
import { dirname } from "node:path";
import { modelCacheDir } from "./model-files.ts";
import { pullModel, type PullProgress } from "./model-pull.ts";
import { ModelMissingError } from "./model-resolve.ts";
import { isCompleteFile, slmCachePath, slmModelSpec } from "./slm-models.ts";

export interface SlmResolveOptions {
  /** layer2.model_path: a GGUF file; never downloaded into */
  modelPath: string;
  /** layer2.model: a key of SLM_MODELS */
  model: string;
  cacheDir: string;
  offline: boolean;
}

export type SlmResolution = { path: string; source: "path" | "cache" } | { path: string; source: "download" };

/** Decides where the GGUF is (or must be downloaded to) without touching the network. */
export function resolveSlmModel(opts: SlmResolveOptions): SlmResolution {
  if (opts.modelPath) {
    if (!isCompleteFile(opts.modelPath)) throw new ModelMissingError(`L2 model file missing: ${opts.modelPath} — layer2.model_path is never downloaded into`);
    return { path: opts.modelPath, source: "path" };
  }
  const spec = slmModelSpec(opts.model);
  const path = slmCachePath(modelCacheDir(opts.cacheDir), spec);
  if (isCompleteFile(path)) return { path, source: "cache" };
  if (opts.offline) {
    throw new ModelMissingError(
      `L2 model file missing: ${path} — offline mode never downloads. On a machine with internet run ` +
        `\`isartor models pull slm --model ${spec.key}\` and copy ${spec.ggufFilename} here, or run ` +
        `\`isartor models import slm ${spec.ggufFilename} --model ${spec.key}\`, or set layer2.model_path to the file.`,
    );
  }
  return { path, source: "download" };
}

/** True when the GGUF is already on this machine (no download needed). */
export function slmModelPresent(opts: Omit<SlmResolveOptions, "offline">): boolean {
  try {
    return resolveSlmModel({ ...opts, offline: true }).source !== "download";
  } catch {
    return false;
  }
}

/** Resolves the GGUF and downloads it when missing; returns its path. */
export async function ensureSlmModel(opts: SlmResolveOptions & { progress?: PullProgress; endpoint?: string }): Promise<string> {
  const found = resolveSlmModel(opts);
  if (found.source !== "download") return found.path;
  const spec = slmModelSpec(opts.model);
  await pullModel({
    modelId: spec.repoId,
    cacheDir: modelCacheDir(opts.cacheDir),
    files: [spec.ggufFilename],
    optionalFiles: [],
    endpoint: opts.endpoint,
    progress: opts.progress,
  });
  if (!isCompleteFile(found.path)) throw new ModelMissingError(`download finished but ${found.path} is missing (in ${dirname(found.path)})`);
  return found.path;
}
