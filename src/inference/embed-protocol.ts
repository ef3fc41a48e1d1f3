// Messages between the embedding pool (main thread) and an embed worker.

export type ToWorker =
  | { type: "load"; dir: string; dtype: string; threads: number }
  | { type: "embed"; id: number; texts: string[] };

export type FromWorker =
  | { type: "loaded"; dims: number }
  | { type: "load_failed"; message: string }
  /** vectors: texts.length × dims floats, row-major, L2-normalised */
  | { type: "embedded"; id: number; dims: number; vectors: Float32Array }
  | { type: "embed_failed"; id: number; message: string };
