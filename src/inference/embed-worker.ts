// Bun Worker: runs MiniLM (or any transformers.js feature-extraction model) off the event loop.
// Mean pooling + L2 normalisation, as sentence-transformers does for all-MiniLM-L6-v2.
import type { FeatureExtractionPipeline } from "@huggingface/transformers";
import { basename, dirname } from "node:path";
import type { FromWorker, ToWorker } from "./embed-protocol.ts";
import { preloadOnnxRuntimeLibrary } from "./onnx-native.ts";

declare const self: Worker;

let extractor: FeatureExtractionPipeline | undefined;
const reply = (msg: FromWorker, transfer: Transferable[] = []) => self.postMessage(msg, transfer);

async function embed(texts: string[]): Promise<{ dims: number; vectors: Float32Array }> {
  const out = await extractor!(texts, { pooling: "mean", normalize: true });
  const dims = out.dims[out.dims.length - 1]!;
  return { dims, vectors: Float32Array.from(out.data as Float32Array) };
}

async function load(msg: Extract<ToWorker, { type: "load" }>) {
  try {
    // imported only now: in the compiled binary the ONNX runtime library must be loaded first
    await preloadOnnxRuntimeLibrary();
    const { env, pipeline } = await import("@huggingface/transformers");
    // The pool resolved (and if needed downloaded) the model; here nothing may touch the network.
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.useFSCache = false;
    env.localModelPath = dirname(msg.dir);
    extractor = await pipeline("feature-extraction", basename(msg.dir), {
      dtype: msg.dtype as "q8",
      device: "cpu",
      session_options: { intraOpNumThreads: msg.threads, interOpNumThreads: 1 },
    });
    const { dims } = await embed(["warm up"]);
    reply({ type: "loaded", dims });
  } catch (err) {
    reply({ type: "load_failed", message: (err as Error).message ?? String(err) });
  }
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  if (msg.type === "load") return load(msg);
  try {
    const { dims, vectors } = await embed(msg.texts);
    reply({ type: "embedded", id: msg.id, dims, vectors }, [vectors.buffer]);
  } catch (err) {
    reply({ type: "embed_failed", id: msg.id, message: (err as Error).message ?? String(err) });
  }
};
