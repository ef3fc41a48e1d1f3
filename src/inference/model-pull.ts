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

/** The hub names an LFS file's SHA-256 in X-Linked-Etag (on the redirect) or ETag. */
function announcedSha256(res: Response): string | undefined {
  const tag = (res.headers.get("x-linked-etag") ?? res.headers.get("etag") ?? "").replace(/^W\//, "").replace(/"/g, "");
  return /^[0-9a-f]{64}$/.test(tag) ? tag : undefined;
}

async function fetchFollowing(url: string, signal?: AbortSignal): Promise<{ res: Response; sha256?: string }> {
  let res = await fetch(url, { signal, redirect: "manual" });
  let sha256 = announcedSha256(res);
  for (let hops = 0; res.status >= 300 && res.status < 400 && res.headers.get("location") && hops < 5; hops++) {
    res = await fetch(new URL(res.headers.get("location")!, url), { signal, redirect: "manual" });
    sha256 ??= announcedSha256(res);
  }
  return { res, sha256 };
}

async function download(url: string, dest: string, file: string, opts: PullOptions): Promise<boolean> {
  const { res, sha256: expected } = await fetchFollowing(url, opts.signal);
  if (res.status === 404) return false;
  if (!res.ok || !res.body) throw new Error(`download of ${url} failed: HTTP ${res.status}`);
  const total = Number(res.headers.get("content-length")) || undefined;
  mkdirSync(dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  const writer = Bun.file(part).writer();
  const hasher = new Bun.CryptoHasher("sha256");
  let received = 0;
  try {
    for await (const chunk of res.body) {
      writer.write(chunk);
      hasher.update(chunk);
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
  const actual = hasher.digest("hex");
  if (expected && actual !== expected) {
    rmSync(part, { force: true });
    throw new Error(`download of ${url} is corrupt: SHA-256 ${actual}, the hub announced ${expected}`);
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
