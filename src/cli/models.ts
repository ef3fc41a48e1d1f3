// `isartor models pull|list|import`: fetch the embedding model ahead of time, see what is cached,
// or bring in a model directory copied from another machine (air-gapped installs).
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_EMBEDDING_MODEL, EMBEDDING_FILES, isValidModelId, missingModelFiles, modelCacheDir, modelDirIn, OPTIONAL_EMBEDDING_FILES } from "../inference/model-files.ts";
import { hubEndpoint, pullModel } from "../inference/model-pull.ts";
import { progressBar } from "../inference/progress-bar.ts";
import { writeManifest } from "../inference/model-manifest.ts";
import { removeModel, verifyCommand } from "./models-manage.ts";
import { CONFIG_FLAGS, configFromFlags } from "./common-flags.ts";
import { isSlmRepoDir, listSlmModels, SLM_MODELS_HELP, slmModelsCommand } from "./models-slm.ts";

export const MODELS_HELP = `isartor models pull [--model ID]      download the embedding model (default ${DEFAULT_EMBEDDING_MODEL}) into the model cache
isartor models list                   show the models in the cache and whether each is complete
isartor models import DIR [--model ID] copy a model directory (config.json, tokenizer files, onnx/model_quantized.onnx) into the cache
isartor models verify [--model ID] [--json]  check every file against the SHA-256 checksums recorded at pull/import (exit 1 on a mismatch)
isartor models rm --model ID          delete a model from the cache
${SLM_MODELS_HELP}
  The cache is ISARTOR_HF_CACHE_DIR (hf_cache_dir) or ~/.cache/isartor/models; HF_ENDPOINT overrides the hub URL.`;

function dirSize(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const p = join(dir, e.name);
    return sum + (e.isDirectory() ? dirSize(p) : e.isFile() ? statSync(p).size : 0);
  }, 0);
}

export async function models(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...CONFIG_FLAGS, model: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
    strict: true,
  });
  const [action, ...rest] = positionals;
  if (values.help || !action) {
    console.log(MODELS_HELP);
    return values.help ? 0 : 2;
  }
  const { config } = configFromFlags(values);
  const cacheDir = modelCacheDir(config.hf_cache_dir);
  if (rest[0] === "slm") return slmModelsCommand(action, rest.slice(1), values.model, config, cacheDir);
  const modelId = values.model ?? DEFAULT_EMBEDDING_MODEL;
  if (!isValidModelId(modelId)) {
    console.error(`isartor: --model must be a hub id like ${DEFAULT_EMBEDDING_MODEL}, got '${modelId}'`);
    return 2;
  }

  if (action === "pull") {
    if (config.offline) {
      console.error(`isartor: offline mode refuses to download ${modelId}; run \`isartor models import DIR\` with a copied model directory instead`);
      return 1;
    }
    const dir = modelDirIn(cacheDir, modelId);
    if (missingModelFiles(dir).length === 0) {
      console.log(`${modelId} is already complete in ${dir}`);
      return 0;
    }
    console.error(`downloading ${modelId} from ${hubEndpoint()} into ${dir}`);
    try {
      await pullModel({ modelId, cacheDir, progress: progressBar() });
    } catch (err) {
      console.error(`isartor: ${(err as Error).message}`);
      return 1;
    }
    await writeManifest(dir, modelId, hubEndpoint());
    console.log(`${modelId} ready in ${dir}`);
    return 0;
  }

  if (action === "list") {
    console.log(`model cache: ${cacheDir}`);
    if (config.embedding.model_path) console.log(`embedding.model_path: ${config.embedding.model_path} (${missingModelFiles(config.embedding.model_path).length ? "incomplete" : "complete"})`);
    const owners = existsSync(cacheDir) ? readdirSync(cacheDir, { withFileTypes: true }).filter((e) => e.isDirectory()) : [];
    let shown = 0;
    for (const owner of owners) {
      for (const name of readdirSync(join(cacheDir, owner.name), { withFileTypes: true }).filter((e) => e.isDirectory())) {
        if (isSlmRepoDir(owner.name, name.name)) continue;
        const dir = join(cacheDir, owner.name, name.name);
        const missing = missingModelFiles(dir);
        const status = missing.length ? `incomplete (missing ${missing.join(", ")})` : "complete";
        console.log(`  ${owner.name}/${name.name}  ${(dirSize(dir) / 1e6).toFixed(1)} MB  ${status}`);
        shown++;
      }
    }
    if (!shown) console.log(`  (none — run \`isartor models pull\`)`);
    listSlmModels(cacheDir, config);
    return 0;
  }

  if (action === "import") {
    if (rest.length !== 1) {
      console.error(`isartor: models import takes one directory\n\n${MODELS_HELP}`);
      return 2;
    }
    const source = resolve(rest[0]!);
    const missing = existsSync(source) ? missingModelFiles(source) : [...EMBEDDING_FILES];
    if (missing.length) {
      console.error(`isartor: ${source} is not a complete model directory: missing ${missing.join(", ")}`);
      return 1;
    }
    const dest = modelDirIn(cacheDir, modelId);
    mkdirSync(join(dest, "onnx"), { recursive: true });
    for (const file of [...EMBEDDING_FILES, ...OPTIONAL_EMBEDDING_FILES]) {
      if (existsSync(join(source, file))) cpSync(join(source, file), join(dest, file));
    }
    await writeManifest(dest, modelId, `import:${source}`);
    console.log(`imported ${source} as ${modelId} into ${dest}`);
    return 0;
  }

  if (action === "verify") return verifyCommand(cacheDir, values.model, Boolean(values.json));
  if (action === "rm") return removeModel(cacheDir, values.model ?? rest[0]);

  console.error(`isartor: unknown models action '${action}'\n\n${MODELS_HELP}`);
  return 2;
}
