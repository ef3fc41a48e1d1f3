#!/usr/bin/env bun
// The air-gapped bundle: one archive holding the release for a target, the models from this
// machine's model cache, SHA256SUMS and install.sh, which installs all of it without network.
//   bun scripts/bundle.ts --target linux-arm64 --models minilm,Qwen/Qwen2.5-0.5B-Instruct-GGUF [--cache DIR] [--out DIR]
import { cpSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_EMBEDDING_MODEL, modelCacheDir, modelDirIn } from "../src/inference/model-files.ts";
import { readManifest, writeManifest } from "../src/inference/model-manifest.ts";
import { VERSION } from "../src/version.ts";
import { buildRelease, RELEASE_TARGETS } from "./release.ts";

const ROOT = resolve(import.meta.dir, "..");
/** short names for the models people bundle; anything else is a hub id already in the cache */
const MODEL_ALIASES: Record<string, string> = { minilm: DEFAULT_EMBEDDING_MODEL };

export async function buildBundle(opts: { target: string; models: string[]; cacheDir: string; out: string }): Promise<string> {
  const name = `isartor-bundle-${VERSION}-${opts.target}`;
  const stage = join(opts.out, name);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  await buildRelease([opts.target], stage);
  cpSync(join(ROOT, "install.sh"), join(stage, "install.sh"));
  for (const m of opts.models) {
    const id = MODEL_ALIASES[m] ?? m;
    const dir = modelDirIn(opts.cacheDir, id);
    if (!existsSync(dir)) throw new Error(`${id} is not in the model cache ${opts.cacheDir}: run \`isartor models pull\` (or import) first`);
    if (!readManifest(dir)) await writeManifest(dir, id, "bundle");
    cpSync(dir, modelDirIn(join(stage, "models"), id), { recursive: true });
  }
  const archive = join(opts.out, `${name}.tar.gz`);
  const tar = Bun.spawnSync(["tar", "-C", opts.out, "-czf", archive, name]);
  if (tar.exitCode !== 0) throw new Error(`tar failed: ${tar.stderr.toString()}`);
  rmSync(stage, { recursive: true, force: true });
  return archive;
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Bun.argv.slice(2), options: { target: { type: "string" }, models: { type: "string" }, cache: { type: "string" }, out: { type: "string" } } });
  const target = values.target ?? `${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;
  if (!(RELEASE_TARGETS as readonly string[]).includes(target)) throw new Error(`unknown target '${target}'; one of ${RELEASE_TARGETS.join(", ")}`);
  const archive = await buildBundle({
    target,
    models: (values.models ?? "minilm").split(",").map((m) => m.trim()).filter(Boolean),
    cacheDir: modelCacheDir(values.cache ?? process.env.ISARTOR_HF_CACHE_DIR ?? ""),
    out: resolve(values.out ?? join(ROOT, "dist")),
  });
  console.log(`bundle ${archive} (${(statSync(archive).size / 1e6).toFixed(1)} MB)\ninstall offline: ISARTOR_INSTALL_FROM=${archive} sh install.sh`);
}
