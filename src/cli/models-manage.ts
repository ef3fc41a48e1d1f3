// `isartor models verify` and `isartor models rm`: check cached models against their recorded
// checksums, and remove one from the cache.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { isValidModelId, modelDirIn } from "../inference/model-files.ts";
import { MANIFEST_FILE, readManifest, verifyModel, type VerifyResult } from "../inference/model-manifest.ts";
import { CliError, EXIT, paint, printJson } from "./output.ts";

function cachedModels(cacheDir: string): string[] {
  if (!existsSync(cacheDir)) return [];
  return readdirSync(cacheDir, { withFileTypes: true })
    .filter((o) => o.isDirectory())
    .flatMap((o) => readdirSync(join(cacheDir, o.name), { withFileTypes: true }).filter((n) => n.isDirectory()).map((n) => `${o.name}/${n.name}`));
}

export async function verifyCommand(cacheDir: string, model: string | undefined, json: boolean): Promise<number> {
  const ids = model ? [model] : cachedModels(cacheDir);
  const results: ({ model: string; dir: string; manifest: boolean } & Partial<VerifyResult>)[] = [];
  for (const id of ids) {
    if (!isValidModelId(id)) throw new CliError(`--model must be a hub id like owner/name, got '${id}'`, EXIT.usage);
    const dir = modelDirIn(cacheDir, id);
    if (!existsSync(dir)) throw new CliError(`${id} is not in the model cache ${cacheDir}`, EXIT.failed);
    const manifest = readManifest(dir);
    results.push(manifest ? { model: id, dir, manifest: true, ...(await verifyModel(dir, manifest)) } : { model: id, dir, manifest: false, ok: false });
  }
  const ok = results.every((r) => r.ok);
  if (json) {
    printJson({ ok, models: results });
    return ok ? 0 : EXIT.failed;
  }
  if (!results.length) console.log(`no models in ${cacheDir}`);
  for (const r of results) {
    if (!r.manifest) console.log(`${paint("unknown", "yellow")}  ${r.model}: no checksums recorded (${MANIFEST_FILE} missing) — pull or import it again`);
    else if (r.ok) console.log(`${paint("ok", "green")}       ${r.model}: ${r.checked} files match their SHA-256`);
    else console.log(`${paint("FAILED", "red")}   ${r.model}: ${[...r.mismatched!.map((f) => `${f} differs`), ...r.missing!.map((f) => `${f} missing`)].join(", ")}`);
  }
  return ok ? 0 : EXIT.failed;
}

export function removeModel(cacheDir: string, model: string | undefined): number {
  if (!model) throw new CliError("name the model: isartor models rm --model owner/name", EXIT.usage);
  if (!isValidModelId(model)) throw new CliError(`--model must be a hub id like owner/name, got '${model}'`, EXIT.usage);
  const dir = modelDirIn(cacheDir, model);
  if (!existsSync(dir)) throw new CliError(`${model} is not in the model cache ${cacheDir}`, EXIT.failed);
  rmSync(dir, { recursive: true, force: true });
  console.log(`removed ${model} (${dir})`);
  return 0;
}
