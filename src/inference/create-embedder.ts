// Picks the embedding backend from the configuration: the sidecar when a URL is set, else MiniLM
// in worker threads (model from embedding.model_path, the model cache, or a hub download).
import type { Config } from "../config/types.ts";
import type { Embedder } from "./embedder.ts";
import { ensureEmbeddingModel } from "./model-resolve.ts";
import { progressBar } from "./progress-bar.ts";
import { SidecarEmbedder } from "./sidecar-embedder.ts";
import { EmbeddingWorkerPool } from "./worker-pool.ts";

export function createEmbedder(config: Config, log: (message: string) => void = (m) => console.error(`isartor: ${m}`)): Embedder {
  const sidecar = config.embedding_sidecar;
  if (sidecar.sidecar_url) {
    return new SidecarEmbedder({
      url: sidecar.sidecar_url,
      model: sidecar.model_name,
      timeoutMs: sidecar.timeout_seconds * 1000,
      maxInFlight: config.embedding.queue_size,
    });
  }
  const e = config.embedding;
  return new EmbeddingWorkerPool({
    locateModel: () =>
      ensureEmbeddingModel({
        modelPath: e.model_path,
        cacheDir: config.hf_cache_dir,
        offline: config.offline,
        progress: progressBar(),
      }),
    workers: e.workers,
    queueSize: e.queue_size,
    timeoutMs: e.timeout_ms,
    maxBatch: e.max_batch,
    log,
  });
}
