// What the compiled binary needs for the in-process embedder (transformers.js + onnxruntime-node):
// a bundler plugin that makes onnxruntime-node's native addon a static require (so `bun build
// --compile` embeds it) and stubs sharp (image decoding, unused for text and absent for cross
// targets), plus the ONNX runtime shared library that must ship beside the binary.
import type { BunPlugin } from "bun";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");
export const EMBED_WORKER_ENTRY = resolve(ROOT, "src/inference/embed-worker.ts");

/** bun-linux-x64 → { platform: "linux", arch: "x64" }; undefined → this machine */
export function targetPlatform(target?: string): { platform: string; arch: string } {
  if (!target) return { platform: process.platform, arch: process.arch };
  const [, os, arch] = /^bun-(linux|darwin|windows)-(x64|arm64)/.exec(target) ?? [];
  if (!os || !arch) throw new Error(`unknown build target '${target}'`);
  return { platform: os === "windows" ? "win32" : os, arch };
}

function nativeDir(target?: string): string {
  const { platform, arch } = targetPlatform(target);
  return join(ROOT, "node_modules/onnxruntime-node/bin/napi-v6", platform, arch);
}

export function embedderPlugin(target?: string): BunPlugin {
  const binding = join(nativeDir(target), "onnxruntime_binding.node");
  const requireBinding = existsSync(binding)
    ? `require(${JSON.stringify(binding)})`
    : `(() => { throw new Error("onnxruntime-node has no native build for ${target ?? "this platform"}: use the embedding sidecar"); })()`;
  return {
    name: "isartor-embedder",
    setup(build) {
      build.onResolve({ filter: /^sharp$/ }, () => ({ path: "sharp", namespace: "isartor-no-sharp" }));
      build.onLoad({ filter: /.*/, namespace: "isartor-no-sharp" }, () => ({
        contents: 'export default function sharp() { throw new Error("image inputs are not supported by the compiled binary"); }',
        loader: "js",
      }));
      build.onLoad({ filter: /@huggingface[\\/]transformers[\\/]dist[\\/]transformers\.node\.mjs$/ }, async (args) => ({
        contents: (await Bun.file(args.path).text()).replace('requireFromHere("onnxruntime-node")', 'require("onnxruntime-node")'),
        loader: "js",
      }));
      build.onLoad({ filter: /onnxruntime-node[\\/]dist[\\/]binding\.js$/ }, async (args) => ({
        contents: (await Bun.file(args.path).text()).replace(/require\(`\.\.\/bin\/napi-v6\/\$\{process\.platform\}\/\$\{process\.arch\}\/onnxruntime_binding\.node`\)/, requireBinding),
        loader: "js",
      }));
    },
  };
}

/**
 * The ONNX runtime shared libraries to ship beside the binary, in onnxruntime-<platform>-<arch>/ so
 * several targets can share dist/ (src/inference/onnx-native.ts looks there).
 */
export function runtimeLibraryDir(target?: string): string {
  const { platform, arch } = targetPlatform(target);
  return `onnxruntime-${platform}-${arch}`;
}

export function runtimeLibraries(target?: string): string[] {
  const dir = nativeDir(target);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^libonnxruntime\.so\.1$|^libonnxruntime\.1\.dylib$|\.dll$/.test(f))
    .map((f) => join(dir, f));
}
