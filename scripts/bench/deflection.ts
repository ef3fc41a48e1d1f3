#!/usr/bin/env bun
// Deflection and semantic-match quality.
//  1. Replays ../shared/data/isartor_faq_loop.jsonl and isartor_diverse_tasks.jsonl through a real
//     gateway (cache_mode both, guard on) against a local mock upstream; prints hits by layer and the
//     deflection rate. Published references: the Rust Isartor deflects 60.1% of the FAQ loop.
//  2. On gptcache_mock_pairs.json and qqp_similar_pairs.json: recall and precision at thresholds
//     0.75–0.95, with and without the false-hit guard. Positives are the pairs; hard negatives are made
//     by pairing each question with the *other* question of the set sharing the most content words
//     (same topic, different question). GPTCache reports 88% hits at 91% precision on its 999 pairs.
//  3. The guard alone on the same pairs (needs no model).
// Figures from (1) and (2) only mean something with the real MiniLM (--model DIR, or
// ../shared/models/Xenova/all-MiniLM-L6-v2, or the model cache); with the tiny test fixture they are
// printed for the mechanics and labelled as such.
// Usage: bun scripts/bench/deflection.ts [--model DIR] [--qqp-sample 2000] [--threshold 0.85]
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { analyze, verifySemanticMatch } from "../../src/cache/false-hit-guard.ts";
import { DEFAULT_EMBEDDING_MODEL, missingModelFiles, modelCacheDir, modelDirIn } from "../../src/inference/model-files.ts";
import { EmbeddingWorkerPool } from "../../src/inference/worker-pool.ts";
import { startBenchGateway } from "./bench-gateway.ts";

const ROOT = resolve(import.meta.dir, "../..");
const DATA = resolve(ROOT, "../shared/data");
const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { model: { type: "string" }, "qqp-sample": { type: "string" }, threshold: { type: "string" } },
});
const QQP_SAMPLE = Number(values["qqp-sample"] ?? 2000);
const THRESHOLD = values.threshold ?? "0.85";

function findModel(): { dir: string; real: boolean } {
  const candidates = [values.model, resolve(ROOT, "../shared/models/Xenova/all-MiniLM-L6-v2"), modelDirIn(modelCacheDir(process.env.ISARTOR_HF_CACHE_DIR ?? ""), DEFAULT_EMBEDDING_MODEL)];
  for (const c of candidates) if (c && existsSync(c) && missingModelFiles(c).length === 0) return { dir: c, real: !c.includes("tiny-minilm") };
  return { dir: join(ROOT, "tests/fixtures/models/tiny-minilm"), real: false };
}
const model = findModel();
const label = model.real ? "" : "  [tiny test fixture, NOT MiniLM: L1b figures are meaningless]";
console.log(`model: ${model.dir}${label}\n`);

const prompts = async (file: string) =>
  (await Bun.file(join(DATA, file)).text())
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { prompt: string }).prompt);
type Pair = { origin: string; similar: string };
const pairs = async (file: string): Promise<Pair[]> => JSON.parse(await Bun.file(join(DATA, file)).text());
const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : "n/a");

// 1. replay through the gateway
const upstream = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: async (req) => {
    const body = (await req.json()) as { model: string; messages: { content: string }[] };
    return Response.json({
      id: "chatcmpl-d",
      object: "chat.completion",
      created: 1,
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content: `answer to: ${body.messages.at(-1)!.content}` }, finish_reason: "stop" }],
      usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 },
    });
  },
});
async function replay(file: string) {
  const gw = await startBenchGateway({ modelDir: model.dir, upstreamPort: upstream.port!, env: { ISARTOR__CACHE_MODE: "both", ISARTOR__SIMILARITY_THRESHOLD: THRESHOLD } });
  const layers: Record<string, number> = {};
  const list = await prompts(file);
  for (const content of list) {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }),
    });
    await res.arrayBuffer();
    const layer = res.headers.get("x-isartor-layer") ?? `http_${res.status}`;
    layers[layer] = (layers[layer] ?? 0) + 1;
  }
  await gw.stop();
  const deflected = (layers.l1a ?? 0) + (layers.l1b ?? 0);
  console.log(
    `${file.padEnd(28)} ${String(list.length).padStart(5)} prompts  l1a ${pct(layers.l1a ?? 0, list.length).padStart(6)}  l1b ${pct(layers.l1b ?? 0, list.length).padStart(6)}  l3 ${pct(layers.l3 ?? 0, list.length).padStart(6)}  deflected ${pct(deflected, list.length)}${label}`,
  );
}
console.log(`1. replay (cache_mode both, threshold ${THRESHOLD}, guard on)`);
await replay("isartor_faq_loop.jsonl");
await replay("isartor_diverse_tasks.jsonl");
upstream.stop(true);

// hard negatives: each origin with the other origin sharing the most content words
function hardNegatives(ps: Pair[]): Pair[] {
  const words = ps.map((p) => analyze(p.origin).content);
  const out: Pair[] = [];
  for (let i = 0; i < ps.length; i++) {
    let best = -1;
    let bestJ = -1;
    for (let j = 0; j < ps.length; j++) {
      if (j === i || ps[j]!.origin === ps[i]!.origin) continue;
      let shared = 0;
      for (const w of words[i]!) if (words[j]!.has(w)) shared++;
      const jaccard = shared / (words[i]!.size + words[j]!.size - shared || 1);
      if (jaccard > best) [best, bestJ] = [jaccard, j];
    }
    if (bestJ >= 0) out.push({ origin: ps[i]!.origin, similar: ps[bestJ]!.origin });
  }
  return out;
}

const sets: [string, Pair[]][] = [
  ["gptcache_mock_pairs.json", await pairs("gptcache_mock_pairs.json")],
  [`qqp_similar_pairs.json (first ${QQP_SAMPLE})`, (await pairs("qqp_similar_pairs.json")).slice(0, QQP_SAMPLE)],
];

// 2. recall / precision with embeddings
const pool = new EmbeddingWorkerPool({ locateModel: async () => model.dir, workers: 1, queueSize: 100_000, timeoutMs: 600_000, maxBatch: 32 });
await pool.start();
const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
async function scores(ps: Pair[]) {
  const out: number[] = [];
  for (let i = 0; i < ps.length; i += 32) {
    const chunk = ps.slice(i, i + 32);
    const va = await pool.embed(chunk.map((p) => p.origin));
    const vb = await pool.embed(chunk.map((p) => p.similar));
    chunk.forEach((_, k) => out.push(cosine(va[k]!, vb[k]!)));
  }
  return out;
}
console.log(`\n2. recall / precision (positives = the pairs, as many hard negatives)${label}`);
for (const [name, ps] of sets) {
  const negs = hardNegatives(ps);
  const [pos, neg] = [await scores(ps), await scores(negs)];
  const posGuard = ps.map((p) => verifySemanticMatch(p.similar, p.origin).accept);
  const negGuard = negs.map((p) => verifySemanticMatch(p.similar, p.origin).accept);
  console.log(`${name}: ${ps.length} positives, ${negs.length} hard negatives`);
  console.log(`  threshold | recall  precision | recall+guard  precision+guard`);
  for (const t of [0.75, 0.8, 0.85, 0.9, 0.95]) {
    const tp = pos.filter((s) => s >= t).length;
    const fp = neg.filter((s) => s >= t).length;
    const tpg = pos.filter((s, i) => s >= t && posGuard[i]).length;
    const fpg = neg.filter((s, i) => s >= t && negGuard[i]).length;
    console.log(`  ${t.toFixed(2).padStart(9)} | ${pct(tp, ps.length).padStart(6)}  ${pct(tp, tp + fp).padStart(9)} | ${pct(tpg, ps.length).padStart(12)}  ${pct(tpg, tpg + fpg).padStart(15)}`);
  }
}
await pool.close();

// 3. the guard alone
console.log(`\n3. false-hit guard alone (no model)`);
for (const [name, ps] of sets) {
  const negs = hardNegatives(ps);
  const kept = ps.filter((p) => verifySemanticMatch(p.similar, p.origin).accept).length;
  const rejected = negs.filter((p) => !verifySemanticMatch(p.similar, p.origin).accept).length;
  console.log(`  ${name}: positives kept ${pct(kept, ps.length)}, hard negatives rejected ${pct(rejected, negs.length)}`);
}
const nearMisses: [string, string][] = [
  ["What is the capital of France?", "What is the capital of Germany?"],
  ["How do I reset my password?", "How do I reset my username?"],
  ["Book 2 tickets to Berlin", "Book 3 tickets to Berlin"],
  ["Can I cancel my order?", "Can't I cancel my order?"],
];
console.log(`  hand-made near misses rejected: ${nearMisses.filter(([a, b]) => !verifySemanticMatch(a, b).accept).length}/${nearMisses.length}`);
process.exit(0);
