// Picks the L2 backends from the configuration. Answers run where inference_engine says (the
// embedded GGUF workers or the llama.cpp sidecar); classification runs there too, unless
// router_backend = vllm sends it to a vLLM / TGI pool, which then also answers when the engine is
// embedded (a Level 3 pod loads no local model). In layer2.enabled = auto the embedded engine runs
// only when its GGUF is already on disk: a fresh install starts at once, quietly, without L2.
import { basename } from "node:path";
import type { Config } from "../config/types.ts";
import { progressBar } from "./progress-bar.ts";
import type { SlmBackend } from "./slm-backend.ts";
import { defaultSlmThreads, SlmWorkerPool } from "./slm-pool.ts";
import { RemoteSlmBackend } from "./slm-remote.ts";
import { ensureSlmModel, resolveSlmModel, slmModelPresent } from "./slm-resolve.ts";
import { slmModelSpec } from "./slm-models.ts";

export interface SlmSetup {
  classifier: SlmBackend;
  answerer: SlmBackend;
  /** the distinct backends (to start, report and close) */
  backends: SlmBackend[];
  /** the embedded pool, when one runs */
  pool?: SlmWorkerPool;
}

export type SlmChoice = { setup: SlmSetup } | { off: string };

export interface SlmOverrides {
  /** the worker script for the embedded pool (tests pass a misbehaving one) */
  workerUrl?: URL | string;
}

function remote(config: Config, kind: "sidecar" | "vllm"): RemoteSlmBackend {
  const l2 = config.layer2;
  return new RemoteSlmBackend({
    kind,
    url: kind === "vllm" ? config.vllm_url : l2.sidecar_url,
    model: (kind === "vllm" ? config.vllm_model : l2.model_name) || "default",
    timeoutMs: l2.timeout_seconds * 1000,
    maxInFlight: Math.max(1, l2.queue_size),
    repeatPenalty: l2.repeat_penalty,
  });
}

function embedded(config: Config, log: (m: string) => void, overrides: SlmOverrides): SlmWorkerPool {
  const l2 = config.layer2;
  const pool = new SlmWorkerPool({
    locateModel: () => ensureSlmModel({ modelPath: l2.model_path, model: l2.model, cacheDir: config.hf_cache_dir, offline: config.offline, progress: progressBar() }),
    settings: { gpu: l2.gpu === "auto" ? "auto" : false, threads: l2.threads || defaultSlmThreads(), contextSize: l2.context_size, repeatPenalty: l2.repeat_penalty },
    workers: l2.workers,
    queueSize: l2.queue_size,
    timeoutMs: l2.timeout_seconds * 1000,
    workerUrl: overrides.workerUrl,
    log,
  });
  pool.model = l2.model_name || basename(l2.model_path || slmModelSpec(l2.model).ggufFilename);
  return pool;
}

/** Where the embedded engine would find its GGUF, for messages. */
function expectedModelPath(config: Config): string {
  try {
    return resolveSlmModel({ modelPath: config.layer2.model_path, model: config.layer2.model, cacheDir: config.hf_cache_dir, offline: false }).path;
  } catch (err) {
    return (err as Error).message;
  }
}

export function createSlm(config: Config, log: (message: string) => void = (m) => console.error(`isartor: ${m}`), overrides: SlmOverrides = {}): SlmChoice {
  const l2 = config.layer2;
  if (l2.enabled === "off") return { off: "layer2.enabled = off" };
  const required = l2.enabled === "on";
  const need = (ok: boolean, what: string): string | undefined => {
    if (ok) return undefined;
    if (required) throw new Error(`layer2.enabled = on needs ${what}`);
    return `${what} is not set`;
  };
  const sidecar = config.inference_engine === "sidecar";
  const vllm = config.router_backend === "vllm";
  const missing = (sidecar && need(Boolean(l2.sidecar_url), "layer2.sidecar_url (inference_engine = sidecar)")) || (vllm && need(Boolean(config.vllm_url), "vllm_url (router_backend = vllm)"));
  if (missing) return { off: missing };
  if (!sidecar && !vllm) {
    if (!required && !slmModelPresent({ modelPath: l2.model_path, model: l2.model, cacheDir: config.hf_cache_dir })) {
      return { off: `no GGUF at ${expectedModelPath(config)} (run \`isartor models pull slm\`, or set layer2.model_path)` };
    }
    const pool = embedded(config, log, overrides);
    return { setup: { classifier: pool, answerer: pool, backends: [pool], pool } };
  }
  const answerer = remote(config, sidecar ? "sidecar" : "vllm");
  const classifier = vllm && sidecar ? remote(config, "vllm") : answerer;
  return { setup: { classifier, answerer, backends: classifier === answerer ? [answerer] : [classifier, answerer] } };
}
