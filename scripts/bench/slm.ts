#!/usr/bin/env bun
// L2 latency, measured in one run on this machine with one GGUF (default: the tiny stories260K test
// model, whose figures show the gateway's overhead around a model, not what a real SLM costs):
//   direct    the same prompts through node-llama-cpp in this thread (LlamaChatSession, same
//             grammar, sampling, threads and context), the baseline
//   embedded  through the gateway's L2 pool (worker thread, bounded queue, per-call timeout)
//   http      a whole L2 request through the gateway: classify + answer, JSON, and a stream's first token
// Prints p50/p95 per operation, answer tokens/s, and the ratio embedded/direct. The llama.cpp sidecar
// (llama-server) is not measured here: it is not installable on this machine (no Debian package, no hub).
// Usage: bun scripts/bench/slm.ts [--model FILE.gguf] [--runs 30] [--threads 1] [--answer-tokens 32] [--gpu auto|off]
import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import { getLlama, LlamaChatSession, LlamaLogLevel } from "node-llama-cpp";
import { loadConfig } from "../../src/config/load.ts";
import { classifierSystemPrompt, LABELS, labelSchema, recoverLabel } from "../../src/inference/slm-label.ts";
import { SlmWorkerPool } from "../../src/inference/slm-pool.ts";
import { startGateway } from "../../src/server/server.ts";
import { pct } from "./timing.ts";

const ROOT = resolve(import.meta.dir, "../..");
const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { model: { type: "string" }, runs: { type: "string" }, threads: { type: "string" }, "answer-tokens": { type: "string" }, gpu: { type: "string" } },
});
const MODEL = resolve(values.model ?? resolve(ROOT, "../shared/models/gguf/stories260K.gguf"));
if (!existsSync(MODEL)) throw new Error(`no GGUF at ${MODEL}: pass --model FILE.gguf`);
const RUNS = Number(values.runs ?? 30);
const THREADS = Number(values.threads ?? 1);
const ANSWER_TOKENS = Number(values["answer-tokens"] ?? 32);
const GPU = values.gpu === "auto" ? "auto" : false;
const CONTEXT = 2048;
const SYSTEM = "You are a helpful assistant. Answer briefly and accurately.";
const PROMPTS = ["Hello!", "What is the capital of France?", "Write a haiku about the sea.", "Explain recursion to a child.", "Thanks, that helped.", "Tell me a story about a dog."];
const labels = LABELS.tiered;

const fmt = (xs: number[]) => `p50 ${pct(xs, 0.5).toFixed(1).padStart(7)} ms  p95 ${pct(xs, 0.95).toFixed(1).padStart(7)} ms`;

// direct: node-llama-cpp on this thread, as an application would call it
const llama = await getLlama({ gpu: GPU, build: "never", logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath: MODEL });
// as the worker does: a classify sequence that keeps its prompt evaluated, an answer sequence cleared per call
const context = await model.createContext({ threads: THREADS, contextSize: Math.min(CONTEXT, model.trainContextSize), sequences: 2 });
const classifySequence = context.getSequence();
const sequence = context.getSequence();
const grammar = await llama.createGrammarForJsonSchema(labelSchema(labels) as never);
async function directClassify(prompt: string) {
  const session = new LlamaChatSession({ contextSequence: classifySequence, systemPrompt: classifierSystemPrompt("tiered"), autoDisposeSequence: false });
  const stop = new AbortController();
  let text = "";
  await session.prompt(prompt, {
    grammar, maxTokens: 20, temperature: 0, repeatPenalty: { penalty: 1.1 }, signal: stop.signal, stopOnAbortSignal: true,
    onTextChunk: (c) => { text += c; if (recoverLabel(text, labels)) stop.abort(); },
  });
  session.dispose({ disposeSequence: false });
}
async function directAnswer(prompt: string): Promise<number> {
  const session = new LlamaChatSession({ contextSequence: sequence, systemPrompt: SYSTEM, autoDisposeSequence: false });
  const before = sequence.tokenMeter.getState();
  await session.prompt(prompt, { maxTokens: ANSWER_TOKENS, temperature: 0, repeatPenalty: { penalty: 1.1 } });
  const out = sequence.tokenMeter.diff(before).usedOutputTokens;
  session.dispose({ disposeSequence: false });
  await sequence.clearHistory();
  return out;
}

// embedded: the gateway's worker pool
const pool = new SlmWorkerPool({ locateModel: async () => MODEL, settings: { gpu: GPU, threads: THREADS, contextSize: CONTEXT, repeatPenalty: 1.1 }, workers: 1, queueSize: 8, timeoutMs: 120_000 });
await pool.start();
if (pool.state() !== "ready") throw new Error(`pool failed: ${pool.failure()}`);

// http: a gateway answering every label locally, cache off so each request reaches L2
const gw = await startGateway(
  loadConfig({
    env: {
      ISARTOR__HOST_PORT: "127.0.0.1:0", ISARTOR__LOG_LEVEL: "error", ISARTOR__OFFLINE: "true", ISARTOR__CACHE_MODE: "exact",
      ISARTOR__LAYER2__ENABLED: "on", ISARTOR__LAYER2__MODEL_PATH: MODEL, ISARTOR__LAYER2__GPU: GPU ? "auto" : "off",
      ISARTOR__LAYER2__THREADS: String(THREADS), ISARTOR__LAYER2__CONTEXT_SIZE: String(CONTEXT),
      ISARTOR__LAYER2__LOCAL_LABELS: "TEMPLATE,SNIPPET,COMPLEX", ISARTOR__LAYER2__MAX_ANSWER_TOKENS: String(ANSWER_TOKENS),
      ISARTOR__USAGE__ENABLED: "false",
    },
    cwd: "/nonexistent-isartor-bench",
    home: "/nonexistent-isartor-bench",
  }).config,
);
while (!gw.services.isReady()) await Bun.sleep(20);
const ask = (prompt: string, stream: boolean) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-isartor-cache": "bypass" },
    body: JSON.stringify({ model: "bench", messages: [{ role: "user", content: prompt }], max_tokens: ANSWER_TOKENS, stream }),
  });

const t = { directClassify: [] as number[], poolClassify: [] as number[], directAnswer: [] as number[], poolAnswer: [] as number[], http: [] as number[], httpFirstToken: [] as number[] };
const tokens = { direct: 0, directMs: 0, pool: 0, poolMs: 0 };
const timed = async <T>(into: number[], fn: () => Promise<T>): Promise<T> => {
  const start = performance.now();
  const out = await fn();
  into.push(performance.now() - start);
  return out;
};
// one warm-up pass, then interleaved rounds so load on the machine hits every path alike
for (let round = -1; round < RUNS; round++) {
  const prompt = PROMPTS[(round + PROMPTS.length) % PROMPTS.length]!;
  const sink = round < 0 ? { ...t, directClassify: [], poolClassify: [], directAnswer: [], poolAnswer: [], http: [], httpFirstToken: [] } : t;
  await timed(sink.directClassify, () => directClassify(prompt));
  await timed(sink.poolClassify, () => pool.classify({ system: classifierSystemPrompt("tiered"), prompt, labels, maxTokens: 20 }));
  const d = await timed(sink.directAnswer, () => directAnswer(prompt));
  const p = await timed(sink.poolAnswer, () => pool.generate({ system: SYSTEM, turns: [{ role: "user", text: prompt }], maxTokens: ANSWER_TOKENS }));
  if (round >= 0) {
    tokens.direct += d;
    tokens.directMs += t.directAnswer.at(-1)!;
    tokens.pool += p.outputTokens;
    tokens.poolMs += t.poolAnswer.at(-1)!;
  }
  await timed(sink.http, async () => {
    const res = await ask(prompt, false);
    if (res.headers.get("x-isartor-layer") !== "l2") throw new Error(`expected an l2 answer, got ${res.headers.get("x-isartor-layer")} ${res.headers.get("x-isartor-l2-skip")}`);
    await res.text();
  });
  const start = performance.now();
  const res = await ask(prompt, true);
  const reader = res.body!.getReader();
  let buf = "";
  while (!/"content":"[^"]/.test(buf)) {
    const next = await reader.read();
    if (next.done) throw new Error(`stream ended without a token: ${buf.slice(0, 300)}`);
    buf += new TextDecoder().decode(next.value);
  }
  sink.httpFirstToken.push(performance.now() - start);
  while (!(await reader.read()).done);
  if (round % 5 === 4) console.error(`round ${round + 1}/${RUNS}`);
}

console.log(`model ${basename(MODEL)} · ${THREADS} thread(s) · gpu ${GPU || "off"} (${llama.gpu || "cpu"}) · ${RUNS} rounds · answers ≤ ${ANSWER_TOKENS} tokens · ${navigator.hardwareConcurrency} cores`);
console.log(`classify  direct    ${fmt(t.directClassify)}`);
console.log(`classify  embedded  ${fmt(t.poolClassify)}   ratio p50 ${(pct(t.poolClassify, 0.5) / pct(t.directClassify, 0.5)).toFixed(2)}  p95 ${(pct(t.poolClassify, 0.95) / pct(t.directClassify, 0.95)).toFixed(2)}`);
console.log(`answer    direct    ${fmt(t.directAnswer)}   ${(tokens.direct / (tokens.directMs / 1000)).toFixed(0)} tokens/s`);
console.log(`answer    embedded  ${fmt(t.poolAnswer)}   ${(tokens.pool / (tokens.poolMs / 1000)).toFixed(0)} tokens/s   ratio p50 ${(pct(t.poolAnswer, 0.5) / pct(t.directAnswer, 0.5)).toFixed(2)}  p95 ${(pct(t.poolAnswer, 0.95) / pct(t.directAnswer, 0.95)).toFixed(2)}`);
const directBoth = t.directClassify.map((c, i) => c + t.directAnswer[i]!);
console.log(`L2 request via HTTP ${fmt(t.http)}   ratio to direct classify+answer p50 ${(pct(t.http, 0.5) / pct(directBoth, 0.5)).toFixed(2)}  p95 ${(pct(t.http, 0.95) / pct(directBoth, 0.95)).toFixed(2)}`);
console.log(`L2 stream first token ${fmt(t.httpFirstToken)}`);
console.log("sidecar (llama-server): not measured — not installable here; the sidecar path is tested against a mock that speaks its API");
await gw.stop();
await pool.close();
await context.dispose();
await model.dispose();
process.exit(0);
