// `isartor demo`: replays a bundled customer-support workload through a real gateway against a
// built-in mock provider and prints what each layer answered. Offline, no config, no keys.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config/load.ts";
import { startMockProvider } from "../demo/mock-provider.ts";
import workload from "../demo/sample-workload.json" with { type: "json" };
import { resolveEmbeddingModel } from "../inference/model-resolve.ts";
import { startGateway } from "../server/server.ts";
import { CliError, EXIT, paint, printJson, printTable } from "./output.ts";

export const DEMO_HELP = `isartor demo [--requests N] [--concurrency C] [--json]
  Replay a bundled workload (${workload.prompts.length} prompts of a customer-support FAQ loop, repeats and
  paraphrases included) through a gateway on a random loopback port, against a built-in mock
  provider, and print deflection by layer. Needs no network, no keys and no config. The semantic
  layer (L1b) joins in when the MiniLM model is in the model cache (isartor models pull).`;

function embeddingModelPresent(): boolean {
  try {
    resolveEmbeddingModel({ modelPath: "", cacheDir: process.env.ISARTOR_HF_CACHE_DIR ?? "", offline: true });
    return true;
  } catch {
    return false;
  }
}

export async function demo(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { requests: { type: "string" }, concurrency: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, strict: true });
  if (values.help) return (console.log(DEMO_HELP), 0);
  const requests = Number(values.requests ?? workload.prompts.length);
  const concurrency = Number(values.concurrency ?? 8);
  if (!Number.isInteger(requests) || requests < 1) throw new CliError(`--requests takes a positive number, got '${values.requests}'`, EXIT.usage);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new CliError(`--concurrency takes 1…256, got '${values.concurrency}'`, EXIT.usage);

  const dir = mkdtempSync(join(tmpdir(), "isartor-demo-"));
  const semantic = embeddingModelPresent();
  const provider = startMockProvider();
  const { config } = loadConfig({
    cwd: dir,
    home: dir,
    env: {
      ISARTOR__HOST_PORT: "127.0.0.1:0",
      ISARTOR__LLM_PROVIDER: "openai",
      ISARTOR__EXTERNAL_LLM_BASE_URL: provider.url,
      ISARTOR__EXTERNAL_LLM_MODEL: "demo-model",
      ISARTOR__CACHE_MODE: semantic ? "both" : "exact",
      ISARTOR__OFFLINE: "true",
      ISARTOR__LOG_LEVEL: "error",
      ISARTOR__USAGE__PATH: join(dir, "usage.jsonl"),
      ISARTOR__PROVIDER_HEALTH_CHECK_INTERVAL_SECS: "0",
      ...(process.env.ISARTOR_HF_CACHE_DIR ? { ISARTOR_HF_CACHE_DIR: process.env.ISARTOR_HF_CACHE_DIR } : {}),
    },
  });
  const gateway = await startGateway(config);
  if (semantic) while (!gateway.services.isReady()) await Bun.sleep(50);
  const prompts = Array.from({ length: requests }, (_, i) => workload.prompts[i % workload.prompts.length]!);
  const byLayer: Record<string, number> = {};
  const latencies: Record<string, number[]> = {};
  let failed = 0;
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < prompts.length) {
      const prompt = prompts[next++]!;
      const t0 = performance.now();
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "demo-model", messages: [{ role: "user", content: prompt }] }),
      });
      await res.arrayBuffer();
      const layer = res.ok ? (res.headers.get("x-isartor-layer") ?? "?") : `error ${res.status}`;
      if (!res.ok) failed++;
      byLayer[layer] = (byLayer[layer] ?? 0) + 1;
      (latencies[layer] ??= []).push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, prompts.length) }, worker));
  const wallMs = performance.now() - started;
  await gateway.stop();
  provider.stop();
  rmSync(dir, { recursive: true, force: true });

  const order = ["l1a", "l1b", "l2", "l3"];
  const layers = [...order.filter((l) => byLayer[l]), ...Object.keys(byLayer).filter((l) => !order.includes(l))];
  const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const deflected = requests - (byLayer.l3 ?? 0) - failed;
  const rows = layers.map((l) => ({ layer: l, requests: byLayer[l]!, share: byLayer[l]! / requests, p50_ms: p50(latencies[l]!) }));
  if (values.json) {
    printJson({ requests, deflected, deflection_rate: deflected / requests, provider_calls: provider.calls(), semantic_cache: semantic, wall_ms: Math.round(wallMs), layers: rows });
    return failed ? EXIT.failed : 0;
  }
  console.log(`isartor demo: ${requests} requests (${workload.source}), ${concurrency} at a time\n`);
  printTable([["LAYER", "REQUESTS", "SHARE", "P50"], ...rows.map((r) => [r.layer, String(r.requests), `${(r.share * 100).toFixed(1)}%`, `${r.p50_ms.toFixed(1)} ms`])]);
  console.log(`\n${paint(`${((deflected / requests) * 100).toFixed(1)}% deflected`, "green")}: ${provider.calls()} of ${requests} requests reached the (mock) cloud provider, in ${(wallMs / 1000).toFixed(1)} s`);
  if (!semantic) console.log(paint("L1b semantic cache was off: the MiniLM model is not in the model cache (`isartor models pull` adds it, and paraphrases then hit too)", "dim"));
  return failed ? EXIT.failed : 0;
}
