// Checksums of a model directory, recorded when a model is pulled or imported and checked by
// `isartor models verify`: a copied or half-written model is found before it is loaded.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

export const MANIFEST_FILE = "isartor-manifest.json";

export interface ModelManifest {
  model: string;
  source: string;
  created_at: string;
  files: Record<string, { sha256: string; bytes: number }>;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  mismatched: string[];
  missing: string[];
  /** files present but not in the manifest */
  extra: string[];
}

function modelFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== MANIFEST_FILE && !e.name.endsWith(".part"))
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

export async function sha256File(path: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(path).stream()) hasher.update(chunk);
  return hasher.digest("hex");
}

export async function writeManifest(dir: string, model: string, source: string): Promise<ModelManifest> {
  const files: ModelManifest["files"] = {};
  for (const f of modelFiles(dir)) files[f] = { sha256: await sha256File(join(dir, f)), bytes: statSync(join(dir, f)).size };
  const manifest: ModelManifest = { model, source, created_at: new Date().toISOString(), files };
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}

export function readManifest(dir: string): ModelManifest | undefined {
  const p = join(dir, MANIFEST_FILE);
  return existsSync(p) ? (JSON.parse(readFileSync(p, "utf8")) as ModelManifest) : undefined;
}

export async function verifyModel(dir: string, manifest: ModelManifest): Promise<VerifyResult> {
  const present = new Set(modelFiles(dir));
  const result: VerifyResult = { ok: true, checked: 0, mismatched: [], missing: [], extra: [...present].filter((f) => !(f in manifest.files)) };
  for (const [file, want] of Object.entries(manifest.files)) {
    if (!present.has(file)) {
      result.missing.push(file);
      continue;
    }
    result.checked++;
    if (statSync(join(dir, file)).size !== want.bytes || (await sha256File(join(dir, file))) !== want.sha256) result.mismatched.push(file);
  }
  result.ok = !result.mismatched.length && !result.missing.length;
  return result;
}
