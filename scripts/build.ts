#!/usr/bin/env bun
// Compiles the gateway into one executable: `bun scripts/build.ts [--target bun-linux-x64|bun-linux-arm64|bun-darwin-arm64|…] [--outfile dist/isartor]`.
// Without --target it builds for the host.
import { parseArgs } from "node:util";
import { copyFileSync, mkdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { EMBED_WORKER_ENTRY, embedderPlugin, runtimeLibraries, runtimeLibraryDir } from "./embedder-bundle.ts";
import { shipLlamaBinaries, SLM_WORKER_ENTRY, slmPlugin } from "./slm-bundle.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { target: { type: "string" }, outfile: { type: "string" }, all: { type: "boolean" } },
});

const ROOT = resolve(import.meta.dir, "..");
const TARGETS = ["bun-linux-x64", "bun-linux-arm64", "bun-darwin-x64", "bun-darwin-arm64", "bun-windows-x64"];

async function build(target: string | undefined, outfile: string) {
  mkdirSync(dirname(outfile), { recursive: true });
  // the JS API, for the plugin that embeds onnxruntime-node's addon; the embed worker is an extra
  // entrypoint (Bun bundles workers only when listed), stored under its path relative to src/
  const result = await Bun.build({
    entrypoints: [resolve(ROOT, "src/main.ts"), EMBED_WORKER_ENTRY, SLM_WORKER_ENTRY],
    compile: { outfile, ...(target ? { target: target as Bun.Build.CompileTarget } : {}) },
    minify: { syntax: true },
    sourcemap: "none",
    plugins: [embedderPlugin(target), slmPlugin(target)],
  });
  if (!result.success) throw new Error(`bun build failed for ${target ?? "host"}:\n${result.logs.join("\n")}`);
  const libDir = join(dirname(outfile), runtimeLibraryDir(target));
  const libs = runtimeLibraries(target);
  if (libs.length) mkdirSync(libDir, { recursive: true });
  for (const lib of libs) copyFileSync(lib, join(libDir, basename(lib)));
  if (!libs.length) console.warn(`no onnxruntime-node build for ${target ?? "this platform"}: the binary needs the embedding sidecar for L1b`);
  if (!shipLlamaBinaries(dirname(outfile), target)) console.warn(`no node-llama-cpp prebuilt binaries for ${target ?? "this platform"} in node_modules: the binary needs the llama.cpp sidecar for L2`);
  console.log(`built ${outfile}${target ? ` (${target})` : ""}`);
}

if (values.all) {
  for (const t of TARGETS) await build(t, resolve(ROOT, "dist", t.replace(/^bun-/, "isartor-") + (t.includes("windows") ? ".exe" : "")));
} else {
  await build(values.target, resolve(ROOT, values.outfile ?? "dist/isartor"));
}
