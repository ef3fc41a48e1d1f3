// The L2 part of the gateway: the backends createSlm picks, the layer, what /health shows about
// them, and whether readiness waits for a model configured to preload.
import type { Config } from "../config/types.ts";
import { createSlm, type SlmOverrides, type SlmSetup } from "../inference/create-slm.ts";
import { SlmLayer } from "../pipeline/layers/slm.ts";

export interface L2Health {
  state: "off" | "idle" | "loading" | "ready" | "failed";
  /** "embedded", "sidecar", "vllm", or "vllm+sidecar" (classifier+answerer) */
  backend?: string;
  model?: string;
  classifier_mode?: string;
  gpu?: string | false;
  /** why L2 is off or failed */
  reason?: string;
}

export interface L2Services {
  layer?: SlmLayer;
  health(): L2Health;
  /** layer counters, plus the embedded pool's (refusals, worker restarts) */
  stats(): Record<string, unknown>;
  /** false while an embedded model configured to preload is still loading */
  ready(): boolean;
  close(): Promise<void>;
}

function layerFor(config: Config, setup: SlmSetup): SlmLayer {
  const l2 = config.layer2;
  return new SlmLayer(setup.classifier, setup.answerer, {
    mode: l2.classifier_mode,
    localLabels: l2.local_labels,
    maxClassifyTokens: l2.max_classify_tokens,
    maxAnswerTokens: l2.max_answer_tokens,
    maxPromptTokens: l2.max_prompt_tokens,
    cacheAnswers: l2.cache_answers,
    allowMultiTurn: l2.allow_multi_turn,
    allowTools: l2.allow_tools,
    allowImages: l2.allow_images,
  });
}

export function buildSlm(config: Config, log: (message: string) => void, overrides: SlmOverrides = {}): L2Services {
  const choice = createSlm(config, log, overrides);
  if ("off" in choice) return { health: () => ({ state: "off", reason: choice.off }), stats: () => ({}), ready: () => true, close: async () => {} };
  const { setup } = choice;
  const layer = layerFor(config, setup);
  const preload = config.layer2.preload;
  // without preload the embedded model loads on the first candidate request (which passes on meanwhile)
  if (preload) for (const b of setup.backends) void b.start();
  const backend = setup.classifier === setup.answerer ? setup.answerer.kind : `${setup.classifier.kind}+${setup.answerer.kind}`;
  return {
    layer,
    health: () => {
      const states = setup.backends.map((b) => b.state());
      const state = states.includes("failed") ? "failed" : states.includes("loading") ? "loading" : states.includes("idle") ? "idle" : "ready";
      const failed = setup.backends.find((b) => b.failure());
      return {
        state,
        backend,
        model: setup.answerer.model,
        classifier_mode: config.layer2.classifier_mode,
        ...(setup.pool?.loaded ? { gpu: setup.pool.loaded.gpu } : {}),
        ...(failed ? { reason: failed.failure() } : {}),
      };
    },
    stats: () => ({ ...layer.stats(), ...(setup.pool ? { pool: setup.pool.stats() } : {}) }),
    ready: () => !preload || setup.backends.every((b) => b.state() !== "idle" && b.state() !== "loading"),
    close: async () => {
      for (const b of setup.backends) await b.close();
    },
  };
}
