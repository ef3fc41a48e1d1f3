// In the compiled binary, onnxruntime-node's addon is extracted to a temporary directory where its
// shared library (which it finds next to itself in node_modules) is absent. scripts/build.ts ships that
// library beside the binary (in onnxruntime-<platform>-<arch>/); loading it first lets the addon's
// dlopen find it by its soname.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

const LIBRARY: Partial<Record<string, string>> = {
  linux: "libonnxruntime.so.1",
  darwin: "libonnxruntime.1.dylib",
  win32: "onnxruntime.dll",
};

export async function preloadOnnxRuntimeLibrary(): Promise<void> {
  if (!Bun.isStandaloneExecutable) return;
  const name = LIBRARY[process.platform];
  if (!name) return;
  const path = join(dirname(process.execPath), `onnxruntime-${process.platform}-${process.arch}`, name);
  if (!existsSync(path)) throw new Error(`${path} is missing: the ONNX runtime library ships beside the isartor binary (scripts/build.ts puts it there)`);
  const { dlopen } = await import("bun:ffi");
  // any one exported symbol will do: bun:ffi only loads a library for its symbols
  dlopen(path, { OrtGetApiBase: { args: [], returns: "ptr" } });
}
