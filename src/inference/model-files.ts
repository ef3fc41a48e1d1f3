// Where embedding models live on disk: the Hugging Face / transformers.js layout under a cache root.
import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const DEFAULT_EMBEDDING_MODEL = "Xenova/all-MiniLM-L6-v2";
/** q8 is the int8-quantised export transformers.js names onnx/model_quantized.onnx */
export const EMBEDDING_DTYPE = "q8";
export const EMBEDDING_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model_quantized.onnx"] as const;
/** fetched by `models pull` when the hub has them; loading works without */
export const OPTIONAL_EMBEDDING_FILES = ["special_tokens_map.json"] as const;

export function modelCacheDir(configured: string): string {
  return configured || join(homedir(), ".cache", "isartor", "models");
}

export function modelDirIn(cacheDir: string, modelId: string): string {
  return join(cacheDir, ...modelId.split("/"));
}

export function missingModelFiles(dir: string, files: readonly string[] = EMBEDDING_FILES): string[] {
  return files.filter((f) => {
    const p = join(dir, f);
    return !existsSync(p) || !statSync(p).isFile() || statSync(p).size === 0;
  });
}

export function isValidModelId(id: string): boolean {
  return /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/.test(id) && !id.includes("..");
}
