import type { ChatResponse } from "../pipeline/types.ts";

/** Where L1a keeps completed responses. Memory today; Redis implements the same interface. */
export interface ExactStore {
  get(key: string): Promise<ChatResponse | undefined>;
  set(key: string, value: ChatResponse): Promise<void>;
  delete(key: string): Promise<boolean>;
  clear(): Promise<void>;
  size(): Promise<number>;
}
