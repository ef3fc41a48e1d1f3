// The real all-MiniLM-L6-v2 (q8), when its weights are on this machine (../shared/models/Xenova/
// all-MiniLM-L6-v2 next to the repo, or ISARTOR_TEST_MINILM_DIR). Skipped with the reason otherwise.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { missingModelFiles } from "../../src/inference/model-files.ts";
import { EmbeddingWorkerPool } from "../../src/inference/worker-pool.ts";

const DIR = process.env.ISARTOR_TEST_MINILM_DIR ?? resolve(import.meta.dir, "../../../shared/models/Xenova/all-MiniLM-L6-v2");
const missing = existsSync(DIR) ? missingModelFiles(DIR) : ["(directory)"];
if (missing.length) console.log(`skipping real MiniLM tests: ${DIR} lacks ${missing.join(", ")} (weights are not downloadable here)`);

describe.skipIf(missing.length > 0)("real all-MiniLM-L6-v2", () => {
  const pool = new EmbeddingWorkerPool({ locateModel: async () => DIR, workers: 1, queueSize: 64, timeoutMs: 60_000, maxBatch: 16 });
  afterAll(() => pool.close());
  const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

  test("384-d unit vectors; paraphrases closer than unrelated questions", async () => {
    await pool.start();
    expect(pool.state()).toBe("ready");
    const [price, cost, weather] = await pool.embed(["What is the price of the pro plan?", "How much does the pro plan cost?", "Will it rain in Munich tomorrow?"]);
    expect(price!.length).toBe(384);
    expect(cos(price!, price!)).toBeCloseTo(1, 4);
    expect(cos(price!, cost!)).toBeGreaterThan(0.7);
    expect(cos(price!, cost!) - cos(price!, weather!)).toBeGreaterThan(0.3);
  }, 120_000);
});
