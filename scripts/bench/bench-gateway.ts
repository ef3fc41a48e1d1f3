// Gateways and upstream answers the benchmarks share: the mock upstream's Chat Completions answer, a
// configuration isolated from the user's files for the overhead benchmarks, and an offline gateway on a
// local embedding model for the semantic ones.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import type { Config } from "../../src/config/types.ts";
import { startGateway } from "../../src/server/server.ts";

export const BENCH_COMPLETION = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "The answer is 42." }, finish_reason: "stop" }],
  usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
});

/** Defaults + exact cache, no health pings, an L3 provider at `upstreamPort`, its own temp dir for logs; `env` overrides. */
export function benchConfig(upstreamPort: number, env: Record<string, string> = {}): Config {
  const dir = mkdtempSync(join(tmpdir(), "isartor-bench-"));
  return loadConfig({
    env: {
      ISARTOR__HOST_PORT: "127.0.0.1:0",
      ISARTOR__EXTERNAL_LLM_BASE_URL: `http://127.0.0.1:${upstreamPort}/v1`,
      ISARTOR__EXTERNAL_LLM_API_KEY: "bench",
      ISARTOR__CACHE_MODE: "exact",
      ISARTOR__PROVIDER_HEALTH_CHECK_INTERVAL_SECS: "0",
      ISARTOR__USAGE__PATH: join(dir, "usage.jsonl"),
      ISARTOR__REQUEST_LOG__PATH: join(dir, "requests.jsonl"),
      ...env,
    },
    cwd: dir,
    home: dir,
  }).config;
}

/** In-process, offline, on the given local embedding model, in front of a local upstream; resolves once the model is loaded. */
export async function startBenchGateway(opts: { modelDir: string; upstreamPort: number; env?: Record<string, string> }) {
  const config = loadConfig({
    env: {
      ISARTOR__HOST_PORT: "127.0.0.1:0",
      ISARTOR__EMBEDDING__MODEL_PATH: opts.modelDir,
      ISARTOR__EMBEDDING__TIMEOUT_MS: "60000",
      ISARTOR__EXTERNAL_LLM_BASE_URL: `http://127.0.0.1:${opts.upstreamPort}/v1`,
      ISARTOR__EXTERNAL_LLM_API_KEY: "bench",
      ISARTOR__OFFLINE: "true",
      ISARTOR__LOG_LEVEL: "error",
      ...opts.env,
    },
    cwd: "/nonexistent-isartor-bench",
    home: "/nonexistent-isartor-bench",
  }).config;
  const gw = await startGateway(config);
  while (!gw.services.isReady()) await Bun.sleep(20);
  return gw;
}
