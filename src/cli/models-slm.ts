// `isartor models pull|import slm` and the L2 lines of `models list`: the GGUF files of the L2 model
// registry (src/inference/slm-models.ts) in the same cache as the embedding models.
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Config } from "../config/types.ts";
import { hubEndpoint, pullModel } from "../inference/model-pull.ts";
import { progressBar } from "../inference/progress-bar.ts";
import { DEFAULT_SLM_MODEL, isCompleteFile, SLM_MODEL_KEYS, SLM_MODELS, slmCachePath, slmModelSpec } from "../inference/slm-models.ts";

export const SLM_MODELS_HELP = `isartor models pull slm [--model KEY]  download an L2 GGUF (default ${DEFAULT_SLM_MODEL}; ${SLM_MODEL_KEYS.filter((k) => k !== DEFAULT_SLM_MODEL).join(", ")})
isartor models import slm FILE [--model KEY]  copy a GGUF file into the cache as that L2 model`;

/** true for a cache directory that holds an L2 GGUF repo rather than an embedding model */
export function isSlmRepoDir(owner: string, name: string): boolean {
  return SLM_MODELS.some((m) => m.repoId === `${owner}/${name}`);
}

export function listSlmModels(cacheDir: string, config: Config): void {
  console.log(`L2 models (layer2.model = ${config.layer2.model}):`);
  if (config.layer2.model_path) console.log(`  layer2.model_path: ${config.layer2.model_path} (${isCompleteFile(config.layer2.model_path) ? "present" : "missing"})`);
  for (const spec of SLM_MODELS) {
    const path = slmCachePath(cacheDir, spec);
    const status = isCompleteFile(path) ? `${(statSync(path).size / 1e6).toFixed(1)} MB  complete` : `not downloaded (~${(spec.approxBytes / 1e9).toFixed(1)} GB)`;
    console.log(`  ${spec.key}  ${spec.repoId}/${spec.ggufFilename}  ${status}`);
  }
}

export async function slmModelsCommand(action: string, args: string[], modelKey: string | undefined, config: Config, cacheDir: string): Promise<number> {
  const key = modelKey ?? config.layer2.model ?? DEFAULT_SLM_MODEL;
  if (!SLM_MODEL_KEYS.includes(key)) {
    console.error(`isartor: --model for slm must be one of ${SLM_MODEL_KEYS.join(", ")}, got '${key}'`);
    return 2;
  }
  const spec = slmModelSpec(key);
  const dest = slmCachePath(cacheDir, spec);
  if (action === "pull") {
    if (isCompleteFile(dest)) {
      console.log(`${spec.key} is already complete in ${dest}`);
      return 0;
    }
    if (config.offline) {
      console.error(`isartor: offline mode refuses to download ${spec.ggufFilename}; copy it from a machine with internet and run \`isartor models import slm ${spec.ggufFilename} --model ${spec.key}\``);
      return 1;
    }
    console.error(`downloading ${spec.repoId}/${spec.ggufFilename} from ${hubEndpoint()} into ${dirname(dest)}`);
    try {
      await pullModel({ modelId: spec.repoId, cacheDir, files: [spec.ggufFilename], optionalFiles: [], progress: progressBar() });
    } catch (err) {
      console.error(`isartor: ${(err as Error).message}`);
      return 1;
    }
    console.log(`${spec.key} ready in ${dest}`);
    return 0;
  }
  if (action === "import") {
    if (args.length !== 1) {
      console.error(`isartor: models import slm takes one GGUF file\n\n${SLM_MODELS_HELP}`);
      return 2;
    }
    const source = resolve(args[0]!);
    if (!isCompleteFile(source)) {
      console.error(`isartor: ${source} is not a file`);
      return 1;
    }
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(source, dest);
    console.log(`imported ${source} as ${spec.key} into ${dest}`);
    return 0;
  }
  console.error(`isartor: '${action} slm' is not a models action\n\n${SLM_MODELS_HELP}`);
  return 2;
}
