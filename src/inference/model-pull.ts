// Downloads a model's files from the Hugging Face hub (or HF_ENDPOINT) into the model cache.
// Each file lands under a .part name and is renamed when complete, so a cut download never
// looks like a model.
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { EMBEDDING_FILES, OPTIONAL_EMBEDDING_FILES, isValidModelId, missingModelFiles, modelDirIn } from "./model-files.ts";

export interface PullEvent {
  file: string;
  received: number;
  /** bytes expected, when the server said */
  total?: number;
  done: boolean;
}
export type PullProgress = (event: PullEvent) => void;

export interface PullOptions {
  modelId: string;
  cacheDir: string;
  /** hub base URL; default HF_ENDPOINT or https://huggingface.co */
  endpoint?: string;
  revision?: string;
  files?: readonly string[];
  optionalFiles?: readonly string[];
  progress?: PullProgress;
  signal?: AbortSignal;
}

export function hubEndpoint(explicit?: string): string {
  return (explicit || process.env.HF_ENDPOINT || "https://huggingface.co").replace(/\/+$/, "");
}

async function download(url: string, dest: string, file: string, opts: PullOptions): Promise<boolean> {
  const res = await fetch(url, { signal: opts.signal, redirect: "follow" });
  if (res.status === 404) return false;
  if (!res.ok || !res.body) throw new Error(`download of ${url} failed: HTTP ${res.status}`);
  const total = Number(res.headers.get("content-length")) || undefined;
  mkdirSync(dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  const writer = Bun.file(part).writer();
  let received = 0;
  try {
    for await (const chunk of res.body) {
      writer.write(chunk);
      received += chunk.byteLength;
      opts.progress?.({ file, received, total, done: false });
    }
    await writer.end();
  } catch (err) {
    await Promise.resolve(writer.end()).catch(() => {});
    rmSync(part, { force: true });
    throw err;
  }
  if (total !== undefined && received !== total) {
    rmSync(part, { force: true });
    throw new Error(`download of ${url} was cut short: ${received} of ${total} bytes`);
  }
  renameSync(part, dest);
  opts.progress?.({ file, received, total, done: true });
  return true;
}

/** Fetches every missing file of the model; returns the model directory. */
export async function pullModel(opts: PullOptions): Promise<string> {
  if (!isValidModelId(opts.modelId)) throw new Error(`not a hub model id (owner/name): '${opts.modelId}'`);
  const dir = modelDirIn(opts.cacheDir, opts.modelId);
  const base = `${hubEndpoint(opts.endpoint)}/${opts.modelId}/resolve/${encodeURIComponent(opts.revision ?? "main")}`;
  const required = missingModelFiles(dir, opts.files ?? EMBEDDING_FILES);
  const optional = missingModelFiles(dir, opts.optionalFiles ?? OPTIONAL_EMBEDDING_FILES);
  for (const file of required) {
    if (!(await download(`${base}/${file}`, join(dir, file), file, opts))) {
      throw new Error(`the hub has no ${file} for ${opts.modelId} (${base}/${file} → 404)`);
    }
  }
  for (const file of optional) await download(`${base}/${file}`, join(dir, file), file, opts);
  return dir;
}
