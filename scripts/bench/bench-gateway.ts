// A gateway for semantic benchmarks: in-process, offline, on the given local embedding model, in front of
// a local upstream; resolves once the model is loaded.
import { loadConfig } from "../../src/config/load.ts";
import { startGateway } from "../../src/server/server.ts";

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
