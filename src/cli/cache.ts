// `isartor cache calibrate`: replays a labelled pairs file through the configured (or given) encoder
// and the false-hit guard, prints recall and precision per similarity threshold with and without the
// guard, and suggests a threshold. Thresholds are per encoder: run it for the model you deploy.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { curve, DEFAULT_THRESHOLDS, neighbourNegatives, positivesOf, scorePairs, suggestThreshold, type LabelledPair, type QuestionPair } from "../cache/calibration.ts";
import type { Config } from "../config/types.ts";
import { createEmbedder } from "../inference/create-embedder.ts";
import { CONFIG_FLAGS, configFromFlags } from "./common-flags.ts";

export const CACHE_HELP = `isartor cache calibrate --pairs FILE [--negatives FILE] [--embedder-url URL | --model DIR]
                        [--thresholds 0.75,0.8,...] [--target-precision 0.995] [--json]
  FILE: JSON [{"origin": "...", "similar": "..."}] — pairs that ask the same thing (GPTCache's format).
  --negatives: the same format, pairs that ask different things (near misses). Without it, each
  origin's nearest other origin by the encoder is used as its negative.
  Encoder: --embedder-url (an OpenAI-compatible /v1/embeddings server), --model (a MiniLM directory),
  else the one the configuration selects (embedding_sidecar.sidecar_url or the in-process model).
  Prints recall / precision per threshold with and without the false-hit guard and the lowest
  threshold whose guarded precision reaches the target; set it as similarity_threshold.`;

function readPairs(file: string, flag: string): QuestionPair[] {
  const data = JSON.parse(readFileSync(file, "utf8")) as unknown;
  if (!Array.isArray(data) || data.some((p) => typeof p?.origin !== "string" || typeof p?.similar !== "string")) {
    throw new Error(`${flag} ${file}: expected a JSON array of {"origin": string, "similar": string}`);
  }
  return data as QuestionPair[];
}

/** the configured encoder, with limits fit for a batch replay instead of live traffic */
function calibrationConfig(config: Config, url: string | undefined, model: string | undefined): Config {
  return {
    ...config,
    embedding: { ...config.embedding, model_path: model ?? config.embedding.model_path, timeout_ms: 600_000, queue_size: 100_000, preload: true },
    embedding_sidecar: { ...config.embedding_sidecar, sidecar_url: model ? "" : (url ?? config.embedding_sidecar.sidecar_url), timeout_seconds: 600 },
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(7);

export async function cache(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...CONFIG_FLAGS,
      pairs: { type: "string" },
      negatives: { type: "string" },
      "embedder-url": { type: "string" },
      model: { type: "string" },
      thresholds: { type: "string" },
      "target-precision": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help || positionals[0] !== "calibrate" || !values.pairs) {
    console.log(CACHE_HELP);
    return values.help ? 0 : 2;
  }
  if (values["embedder-url"] && values.model) throw new Error("give --embedder-url or --model, not both");
  const thresholds = values.thresholds ? values.thresholds.split(",").map(Number) : DEFAULT_THRESHOLDS;
  const target = Number(values["target-precision"] ?? 0.995);
  if (thresholds.some((t) => !(t >= 0 && t <= 1)) || !(target > 0 && target <= 1)) throw new Error("thresholds and --target-precision are numbers between 0 and 1");
  const pairs = readPairs(values.pairs, "--pairs");

  const config = calibrationConfig(configFromFlags(values).config, values["embedder-url"], values.model);
  const embedder = createEmbedder(config);
  await embedder.start();
  if (embedder.state() !== "ready") {
    console.error(`isartor: the encoder is not available: ${embedder.failure() ?? embedder.state()}`);
    return 1;
  }
  try {
    const embed = (texts: string[]) => embedder.embed(texts);
    let negatives: LabelledPair[];
    if (values.negatives) negatives = readPairs(values.negatives, "--negatives").map((p) => ({ cached: p.origin, incoming: p.similar, same: false }));
    else {
      const origins: Float32Array[] = [];
      for (let i = 0; i < pairs.length; i += 64) origins.push(...(await embed(pairs.slice(i, i + 64).map((p) => p.origin))));
      negatives = neighbourNegatives(pairs, origins);
    }
    const scored = await scorePairs([...positivesOf(pairs), ...negatives], embed);
    const rows = curve(scored, thresholds);
    const suggestion = suggestThreshold(scored, target);
    if (values.json) {
      console.log(JSON.stringify({ encoder: embedder.name, positives: pairs.length, negatives: negatives.length, rows, suggestion }, null, 2));
      return 0;
    }
    console.log(`encoder ${embedder.name}: ${pairs.length} same-question pairs, ${negatives.length} different-question pairs${values.negatives ? "" : " (nearest other origin)"}`);
    console.log(`threshold   recall  precision  false hits | guard: recall  precision  false hits`);
    for (const r of rows) {
      console.log(`${r.threshold.toFixed(2).padStart(9)} ${pct(r.recall)}  ${pct(r.precision).padStart(9)}  ${String(r.falseHits).padStart(10)} |        ${pct(r.recallGuarded)}  ${pct(r.precisionGuarded).padStart(9)}  ${String(r.falseHitsGuarded).padStart(10)}`);
    }
    const s = suggestion;
    console.log(
      s.metTarget
        ? `suggested similarity_threshold = ${s.threshold.toFixed(2)} (guard on: recall ${pct(s.recall).trim()}, precision ${pct(s.precision).trim()} ≥ ${pct(target).trim()})`
        : `no threshold reaches precision ${pct(target).trim()} with the guard; the most precise is ${s.threshold.toFixed(2)} (recall ${pct(s.recall).trim()}, precision ${pct(s.precision).trim()})`,
    );
    return 0;
  } finally {
    await embedder.close();
  }
}
