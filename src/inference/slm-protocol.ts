// Messages between the L2 pool (main thread) and an SLM worker. A worker runs one job at a time.
import type { SlmTurn } from "./slm-backend.ts";

export interface SlmLoadSettings {
  modelPath: string;
  /** "auto" lets node-llama-cpp pick CUDA/Vulkan/Metal when a prebuilt binary works, false = CPU */
  gpu: "auto" | false;
  threads: number;
  contextSize: number;
  /** sampling penalty for repeated tokens (seed 001: 1.1) */
  repeatPenalty: number;
}

export type SlmJob =
  | { kind: "classify"; system: string; prompt: string; labels: readonly string[]; maxTokens: number }
  | { kind: "generate"; system: string; turns: SlmTurn[]; maxTokens: number };

export type ToSlmWorker =
  | { type: "load"; settings: SlmLoadSettings }
  | { type: "job"; id: number; job: SlmJob }
  | { type: "abort"; id: number };

export type FromSlmWorker =
  | { type: "loaded"; gpu: string | false; contextSize: number }
  | { type: "load_failed"; message: string }
  | { type: "text"; id: number; text: string }
  | { type: "done"; id: number; text: string; label?: string; finish: "stop" | "length"; inputTokens: number; outputTokens: number }
  /** aborted: the job stopped because the pool asked it to */
  | { type: "failed"; id: number; message: string; aborted: boolean };
