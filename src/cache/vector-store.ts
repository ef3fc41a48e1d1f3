import type { ChatResponse } from "../pipeline/types.ts";

/** What L1b keeps per answered question: the question text (for the false-hit guard) and the answer. */
export interface SemanticEntry {
  question: string;
  response: ChatResponse;
}

export interface VectorMatch {
  /** cosine similarity (vectors are unit length) */
  score: number;
  entry: SemanticEntry;
}

/**
 * Where L1b keeps question embeddings. Entries are partitioned by scope (DESIGN.md rule 2): a search
 * only ever sees entries stored under the same scope. Memory today; Redis implements the same interface.
 */
export interface VectorStore {
  /** best matches at or above minScore, highest first */
  search(scope: string, vector: Float32Array, opts: { minScore: number; limit: number }): Promise<VectorMatch[]>;
  /** stores (or replaces, for the same scope and question) an entry */
  add(scope: string, vector: Float32Array, entry: SemanticEntry): Promise<void>;
  clear(): Promise<void>;
  size(): Promise<number>;
}
