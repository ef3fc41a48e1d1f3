// What the compiled binary needs for the embedded L2 engine (node-llama-cpp): a bundler plugin that
// points node-llama-cpp's prebuilt-binary packages (@node-llama-cpp/<platform>-<arch>) at a copy of
// their bins/ directory shipped beside the binary (the addon loads its ggml backends from there, so
// it must live on disk), fixes the module version it checks them against, and skips the binary
// self-test that would fork the bundled file as a script. GPU builds (CUDA, Vulkan) are not shipped:
// the binary runs L2 on the CPU or uses the llama.cpp sidecar.
import type { BunPlugin } from "bun";
import { cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { targetPlatform } from "./embedder-bundle.ts";

const ROOT = resolve(import.meta.dir, "..");
export const SLM_WORKER_ENTRY = resolve(ROOT, "src/inference/slm-worker.ts");
const LLAMA_DIR = join(ROOT, "node_modules/node-llama-cpp");
const LLAMA_VERSION: string = JSON.parse(readFileSync(join(LLAMA_DIR, "package.json"), "utf8")).version;
/** the llama.cpp release the prebuilt binaries were built from (node-llama-cpp reads it from its llama/ folder) */
const LLAMA_CPP_RELEASE: string = JSON.parse(readFileSync(join(LLAMA_DIR, "llama/binariesGithubRelease.json"), "utf8")).release;

/** the CPU prebuilt package for a target: @node-llama-cpp/linux-x64, mac-arm64-metal, win-x64, … */
export function llamaBinaryPackage(target?: string): string {
  const { platform, arch } = targetPlatform(target);
  if (platform === "darwin") return arch === "arm64" ? "mac-arm64-metal" : "mac-x64";
  return `${platform === "win32" ? "win" : platform}-${arch}`;
}

/** where the bins/ directory lives beside the binary (src/inference/slm-worker.ts does not need to know) */
export function llamaBinsDir(target?: string): string {
  return `node-llama-cpp/${llamaBinaryPackage(target)}/bins`;
}

export function slmPlugin(target?: string): BunPlugin {
  const shipped = llamaBinaryPackage(target);
  return {
    name: "isartor-slm",
    setup(build) {
      build.onResolve({ filter: /^@node-llama-cpp\/[\w-]+$/ }, (args) => ({ path: args.path.slice("@node-llama-cpp/".length), namespace: "isartor-llama-bins" }));
      build.onLoad({ filter: /.*/, namespace: "isartor-llama-bins" }, (args) => ({
        contents:
          args.path === shipped
            ? `import { dirname, join } from "node:path";
export function getBinsDir() { return { binsDir: join(dirname(process.execPath), ${JSON.stringify(llamaBinsDir(target))}), packageVersion: ${JSON.stringify(LLAMA_VERSION)} }; }`
            : "export function getBinsDir() { return undefined; }",
        loader: "js",
      }));
      build.onLoad({ filter: /node-llama-cpp[\\/]dist[\\/]utils[\\/]getModuleVersion\.js$/ }, () => ({
        contents: `export async function getModuleVersion() { return ${JSON.stringify(LLAMA_VERSION)}; }`,
        loader: "js",
      }));
      build.onLoad({ filter: /node-llama-cpp[\\/]dist[\\/]bindings[\\/]utils[\\/]binariesGithubRelease\.js$/ }, async (args) => ({
        contents: (await Bun.file(args.path).text()).replace("await fs.readJson(binariesGithubReleasePath)", JSON.stringify({ release: LLAMA_CPP_RELEASE })),
        loader: "js",
      }));
      build.onLoad({ filter: /node-llama-cpp[\\/]dist[\\/]bindings[\\/]utils[\\/]testBindingBinary\.js$/ }, async (args) => ({
        contents: (await Bun.file(args.path).text()).replace("if (!detectedFileName.startsWith(expectedFileName)) {", "if (true) {\n        return true;"),
        loader: "js",
      }));
    },
  };
}

/** Copies the prebuilt llama.cpp binaries for the target beside the binary; false when there are none. */
export function shipLlamaBinaries(outDir: string, target?: string): boolean {
  const source = join(ROOT, "node_modules/@node-llama-cpp", llamaBinaryPackage(target), "bins");
  if (!existsSync(source)) return false;
  const dest = join(outDir, llamaBinsDir(target));
  mkdirSync(dest, { recursive: true });
  cpSync(source, dest, { recursive: true });
  return true;
}
