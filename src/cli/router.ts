// `isartor router train|eval`: fit the L0.5 heads on labelled JSON lines with the same encoder the
// gateway will embed with (the configured one, or --embedder URL|DIR), and measure them.
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Config } from "../config/types.ts";
import { createEmbedder } from "../inference/create-embedder.ts";
import type { Embedder } from "../inference/embedder.ts";
import { HEAD_NAMES, loadArtifact, serializeArtifact, type RouterArtifact } from "../router/artifact.ts";
import { predictHead } from "../router/classify.ts";
import { parseDataset, type LabelledText } from "../router/dataset.ts";
import { configuredEncoderId } from "../router/setup.ts";
import { DEFAULT_TRAIN_OPTIONS, trainHeads, type TrainOptions } from "../router/train.ts";
import { CONFIG_FLAGS, configFromFlags } from "./common-flags.ts";

export const ROUTER_HELP = `isartor router train --data FILE.jsonl [--out heads.json] [--embedder URL|DIR] [--embedder-model NAME]
                    [--epochs N] [--learning-rate X] [--l2 X] [--holdout X] [--seed N]
  Fit the L0.5 router heads (task_type, complexity, persona, domain) with softmax regression on the
  embeddings of each line's "text" and write the artifact (default ./router-heads.json). Prints each
  head's train and holdout accuracy.
isartor router eval --data FILE.jsonl --heads heads.json [--embedder URL|DIR] [--embedder-model NAME]
  Accuracy of an artifact's heads on labelled data, per head and per label.

  Lines look like {"text": "…", "task_type": "code", "complexity": "complex", "persona": "…", "domain": "…"}
  (any subset of heads). Heads only work with the encoder they were trained on: by default the one the
  gateway is configured with (embedding_sidecar.sidecar_url, else embedding.model_path / MiniLM);
  --embedder http(s)://… uses an OpenAI-compatible /v1/embeddings server (--embedder-model names its
  model, default embedding_sidecar.model_name), --embedder DIR an in-process model directory.`;

const EMBED_BATCH = 32;

function withEmbedderFlags(config: Config, embedder?: string, model?: string): Config {
  const c = structuredClone(config);
  if (embedder && /^https?:\/\//.test(embedder)) {
    c.embedding_sidecar.sidecar_url = embedder;
    if (model) c.embedding_sidecar.model_name = model;
  } else if (embedder) {
    if (!existsSync(embedder) || !statSync(embedder).isDirectory()) throw new Error(`--embedder ${embedder} is neither an http(s) URL nor a model directory`);
    c.embedding_sidecar.sidecar_url = "";
    c.embedding.model_path = embedder;
  }
  // bulk embedding: no per-request latency budget applies
  c.embedding.timeout_ms = Math.max(c.embedding.timeout_ms, 120_000);
  c.embedding_sidecar.timeout_seconds = Math.max(c.embedding_sidecar.timeout_seconds, 120);
  return c;
}

async function embedAll(embedder: Embedder, texts: string[], progress: (done: number) => void): Promise<Float32Array[]> {
  await embedder.start();
  if (embedder.state() === "failed") throw new Error(`embedder ${embedder.name} failed to load: ${embedder.failure()}`);
  const out: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += EMBED_BATCH) {
    out.push(...(await embedder.embed(texts.slice(i, i + EMBED_BATCH))));
    progress(out.length);
  }
  return out;
}

function pct(x: number | null): string {
  return x === null ? "n/a" : `${(x * 100).toFixed(1)}%`;
}

function numberFlag(value: string | undefined, flag: string, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < 0) throw new Error(`${flag} must be a ${integer ? "whole " : ""}number ≥ 0, got '${value}'`);
  return n;
}

export async function router(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...CONFIG_FLAGS,
      data: { type: "string" },
      out: { type: "string" },
      heads: { type: "string" },
      embedder: { type: "string" },
      "embedder-model": { type: "string" },
      epochs: { type: "string" },
      "learning-rate": { type: "string" },
      l2: { type: "string" },
      holdout: { type: "string" },
      seed: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action] = positionals;
  if (values.help || (action !== "train" && action !== "eval")) {
    console.log(ROUTER_HELP);
    return values.help ? 0 : 2;
  }
  if (!values.data) {
    console.error("isartor: router " + action + " needs --data FILE.jsonl");
    return 2;
  }
  let examples: LabelledText[];
  let options: TrainOptions;
  let config: Config;
  let artifact: RouterArtifact | undefined;
  try {
    examples = parseDataset(readFileSync(values.data, "utf8"), values.data);
    options = {
      epochs: numberFlag(values.epochs, "--epochs", DEFAULT_TRAIN_OPTIONS.epochs, true),
      batchSize: DEFAULT_TRAIN_OPTIONS.batchSize,
      learningRate: numberFlag(values["learning-rate"], "--learning-rate", DEFAULT_TRAIN_OPTIONS.learningRate),
      l2: numberFlag(values.l2, "--l2", DEFAULT_TRAIN_OPTIONS.l2),
      holdout: numberFlag(values.holdout, "--holdout", DEFAULT_TRAIN_OPTIONS.holdout),
      seed: numberFlag(values.seed, "--seed", DEFAULT_TRAIN_OPTIONS.seed, true),
    };
    if (options.holdout >= 1) throw new Error(`--holdout must be below 1, got ${options.holdout}`);
    config = withEmbedderFlags(configFromFlags(values).config, values.embedder, values["embedder-model"]);
    if (action === "eval") {
      if (!values.heads) throw new Error("router eval needs --heads heads.json");
      artifact = loadArtifact(values.heads);
    }
  } catch (err) {
    console.error(`isartor: ${(err as Error).message}`);
    return 2;
  }
  const encoder = configuredEncoderId(config);
  if (artifact && artifact.encoder !== encoder) {
    console.error(`isartor: ${values.heads} was trained on encoder '${artifact.encoder}', but this run embeds with '${encoder}'`);
    return 2;
  }
  const embedder = createEmbedder(config, (m) => console.error(`isartor: ${m}`));
  let vectors: Float32Array[];
  try {
    const started = performance.now();
    vectors = await embedAll(embedder, examples.map((e) => e.text), (done) => process.stderr.write(`\rembedding ${done}/${examples.length}`));
    process.stderr.write(`\rembedded ${examples.length} texts with ${encoder} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (err) {
    console.error(`\nisartor: ${(err as Error).message}`);
    return 1;
  } finally {
    await embedder.close();
  }
  const data = examples.map((e, i) => ({ vector: vectors[i]!, labels: e.labels }));

  if (artifact) {
    if (vectors[0]!.length !== artifact.dim) {
      console.error(`isartor: the embedder returns ${vectors[0]!.length}-d vectors, the heads expect ${artifact.dim}-d`);
      return 2;
    }
    for (const [name, head] of Object.entries(artifact.heads)) {
      const rows = data.filter((d) => d.labels[name as keyof typeof d.labels] !== undefined);
      const perLabel = new Map<string, { right: number; total: number }>();
      let right = 0;
      for (const d of rows) {
        const truth = d.labels[name as keyof typeof d.labels]!;
        const ok = predictHead(head!, d.vector).label === truth;
        const s = perLabel.get(truth) ?? { right: 0, total: 0 };
        s.total++;
        if (ok) (s.right++, right++);
        perLabel.set(truth, s);
      }
      const detail = [...perLabel].map(([l, s]) => `${l} ${s.right}/${s.total}`).join(", ");
      console.log(`${name.padEnd(10)} accuracy ${pct(rows.length ? right / rows.length : null)} on ${rows.length} examples (${detail || "no labelled examples"})`);
    }
    return 0;
  }

  const started = performance.now();
  const result = trainHeads(data, { encoder, source: values.data }, options);
  console.log(`trained in ${((performance.now() - started) / 1000).toFixed(1)} s (seed ${options.seed}, ${options.epochs} epochs, l2 ${options.l2})`);
  for (const name of HEAD_NAMES) {
    const r = result.reports[name];
    if (r) {
      const labels = result.artifact.heads[name]!.labels.join(", ");
      console.log(`${name.padEnd(10)} train ${pct(r.train_accuracy)} (${r.train_examples})  holdout ${pct(r.holdout_accuracy)} (${r.holdout_examples})  labels: ${labels}`);
      const byLabel = Object.entries(r.holdout_by_label ?? {}).map(([l, s]) => `${l} ${s.right}/${s.total}`);
      if (byLabel.length) console.log(`${"".padEnd(10)} holdout per label: ${byLabel.join(", ")}`);
    } else if (result.skipped[name]) console.log(`${name.padEnd(10)} skipped: ${result.skipped[name]}`);
  }
  const out = values.out ?? "router-heads.json";
  writeFileSync(out, serializeArtifact(result.artifact) + "\n");
  console.log(`wrote ${out} (encoder ${encoder}, ${result.artifact.dim}-d); enable it with [classifier_routing] enabled = true, artifact_path = "${out}"`);
  return 0;
}
