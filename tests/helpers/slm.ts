// The real tiny GGUF the L2 tests load (../shared/models/gguf/stories260K.gguf, MIT): proves the
// mechanics through node-llama-cpp, never answer quality. Tests skip, saying why, when it is absent.
import { existsSync } from "node:fs";
import { join } from "node:path";

export const STORIES_GGUF = join(import.meta.dir, "../../../shared/models/gguf/stories260K.gguf");
export const HAVE_GGUF = existsSync(STORIES_GGUF);
if (!HAVE_GGUF) console.warn(`skipping the real-model L2 tests: ${STORIES_GGUF} is absent`);

export const MISBEHAVING_SLM_WORKER = new URL("../fixtures/workers/misbehaving-slm-worker.ts", import.meta.url);

/** Environment for a gateway whose L2 runs stories260K on one thread (the test machine has 2 cores). */
export function storiesEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ISARTOR__LAYER2__ENABLED: "on",
    ISARTOR__LAYER2__MODEL_PATH: STORIES_GGUF,
    ISARTOR__LAYER2__GPU: "off",
    ISARTOR__LAYER2__THREADS: "1",
    ISARTOR__LAYER2__CONTEXT_SIZE: "2048",
    ISARTOR__OFFLINE: "true",
    ...extra,
  };
}
