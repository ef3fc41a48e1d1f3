#!/usr/bin/env bun
// L0.5 router cost, measured in one run on this machine:
//   heads      classify() alone: the shipped USE-lite heads (4 heads, 512-d) on real query vectors
//   end to end distinct prompts (every one a cache miss) through HTTP to a local mock upstream, with
//              the USE-lite sidecar computing vectors live (not from its disk cache):
//                exact cache only, router off / on    → the router's own cost (one embedding)
//                exact + semantic cache, router off / on → its cost when L1b embeds anyway
//              p50/p95 and the differences
// Usage: bun scripts/bench/router.ts [--prompts 100]
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../../src/config/load.ts";
import { loadArtifact } from "../../src/router/artifact.ts";
import { classify } from "../../src/router/classify.ts";
import { startGateway } from "../../src/server/server.ts";
import { pct } from "./timing.ts";

const ROOT = resolve(import.meta.dir, "../..");
const HEADS = join(ROOT, "examples/router/heads-use-lite.json");
const SIDECAR = join(ROOT, "tests/helpers/use-sidecar.ts");
if (!existsSync(SIDECAR) || !existsSync(HEADS)) {
  console.error(`needs ${SIDECAR} (the USE-lite sidecar) and ${HEADS}`);
  process.exit(1);
}
const { values } = parseArgs({ args: Bun.argv.slice(2), options: { prompts: { type: "string" } } });
const N = Number(values.prompts ?? 100);

const fmt = (xs: number[], unit = "ms", scale = 1) => `p50 ${(pct(xs, 0.5) * scale).toFixed(3)} ${unit}  p95 ${(pct(xs, 0.95) * scale).toFixed(3)} ${unit}`;

const prompts = readFileSync(join(ROOT, "examples/router/training-set.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l).text as string)
  .filter((_, i) => i % 7 === 0)
  .slice(0, N);

const { startUseSidecar } = await import(SIDECAR);
const { embedTexts } = await import(join(ROOT, "tests/helpers/use-encoder.ts"));
const artifact = loadArtifact(HEADS);
const vectors: Float32Array[] = await embedTexts(prompts);
const heads: number[] = [];
for (let round = 0; round < 20; round++) {
  for (const v of vectors) {
    const t = performance.now();
    classify(artifact, v);
    heads.push(performance.now() - t);
  }
}
console.log(`heads      ${Object.keys(artifact.heads).length} heads × ${artifact.dim}-d, ${heads.length} calls: ${fmt(heads, "µs", 1000)}`);

const upstream = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: async (req) => {
    if (req.method !== "POST") return Response.json({ object: "list", data: [] });
    const body = (await req.json()) as { model: string };
    return Response.json({ id: "x", object: "chat.completion", created: 1, model: body.model, choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
  },
});
const sidecar = await startUseSidecar({ diskCache: false });

async function run(cacheMode: "exact" | "both", routed: boolean): Promise<number[]> {
  const config = loadConfig({
    env: {
      ISARTOR__HOST_PORT: "127.0.0.1:0",
      ISARTOR__LOG_LEVEL: "error",
      ISARTOR__CACHE_MODE: cacheMode,
      ISARTOR__USAGE__ENABLED: "false",
      ISARTOR__PROVIDER_HEALTH_CHECK_INTERVAL_SECS: "0",
      ISARTOR__PROVIDERS: JSON.stringify([
        { name: "a", vendor: "custom", base_url: `http://127.0.0.1:${upstream.port}/v1`, api_key: "bench" },
        { name: "b", vendor: "custom", base_url: `http://127.0.0.1:${upstream.port}/v1`, api_key: "bench" },
      ]),
      ISARTOR__EMBEDDING_SIDECAR__SIDECAR_URL: sidecar.url,
      ISARTOR__EMBEDDING_SIDECAR__MODEL_NAME: "use-lite",
      ISARTOR__CLASSIFIER_ROUTING__ENABLED: String(routed),
      ISARTOR__CLASSIFIER_ROUTING__ARTIFACT_PATH: HEADS,
      ISARTOR__CLASSIFIER_ROUTING__TIMEOUT_MS: "10000",
      ISARTOR__CLASSIFIER_ROUTING__MATRIX: JSON.stringify({ complex: { default: "b/big" }, default: { default: "a/small" } }),
    },
    cwd: "/nonexistent-isartor-bench",
    home: "/nonexistent-isartor-bench",
  }).config;
  const gw = await startGateway(config);
  const times: number[] = [];
  let routedCount = 0;
  for (const [i, content] of prompts.entries()) {
    const t = performance.now();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: `${content} #${cacheMode}-${routed ? "r" : "u"}${i}` }] }),
    });
    await res.text();
    times.push(performance.now() - t);
    if (res.headers.get("x-isartor-route")?.startsWith("matrix")) routedCount++;
  }
  const l1b = gw.services.pipeline.layers.find((l) => l.name === "l1b") as { embedder?: { stats(): { calls: number } } } | undefined;
  const router = gw.services.pipeline.layers.find((l) => l.name === "l0.5") as { embedder?: { stats(): { calls: number } } } | undefined;
  const embedCalls = (l1b ?? router)?.embedder?.stats().calls ?? 0;
  await gw.stop();
  console.log(`end to end cache ${cacheMode.padEnd(5)} router ${routed ? "on " : "off"} ${prompts.length} prompts: ${fmt(times)}${routed ? `  (${routedCount} routed)` : ""}, ${embedCalls} embedder calls`);
  return times;
}

const diff = (on: number[], off: number[]) => `p50 ${(pct(on, 0.5) - pct(off, 0.5)).toFixed(2)} ms, p95 ${(pct(on, 0.95) - pct(off, 0.95)).toFixed(2)} ms`;
const exactOff = await run("exact", false);
const exactOn = await run("exact", true);
const bothOff = await run("both", false);
const bothOn = await run("both", true);
console.log(`router cost per request, exact cache only (USE-lite live): ${diff(exactOn, exactOff)}`);
console.log(`router cost per request, with L1b (its embedding is reused): ${diff(bothOn, bothOff)}`);
await sidecar.stop();
upstream.stop(true);
