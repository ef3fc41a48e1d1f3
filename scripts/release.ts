#!/usr/bin/env bun
// Builds the release: one archive per target (binary + the native files it loads beside it) and
// SHA256SUMS, cross-compiled from this host. `bun scripts/release.ts [--targets linux-x64,linux-arm64,…|host] [--out dir]`
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { VERSION } from "../src/version.ts";

export const RELEASE_TARGETS = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "windows-x64"] as const;
const ROOT = resolve(import.meta.dir, "..");

function hostTarget(): string {
  const os = process.platform === "win32" ? "windows" : process.platform;
  return `${os}-${process.arch}`;
}

function dirBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).reduce((n, e) => n + (e.isFile() ? statSync(join(e.parentPath, e.name)).size : 0), 0);
}

export interface ReleaseEntry {
  target: string;
  archive: string;
  binaryBytes: number;
  companionBytes: number;
  archiveBytes: number;
  sha256: string;
}

export async function buildRelease(targets: string[], out: string): Promise<ReleaseEntry[]> {
  mkdirSync(out, { recursive: true });
  const entries: ReleaseEntry[] = [];
  for (const target of targets) {
    const name = `isartor-${VERSION}-${target}`;
    const stage = join(out, name);
    rmSync(stage, { recursive: true, force: true });
    const exe = join(stage, target.startsWith("windows") ? "isartor.exe" : "isartor");
    const build = Bun.spawn([process.execPath, join(ROOT, "scripts/build.ts"), "--target", `bun-${target}`, "--outfile", exe], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
    if ((await build.exited) !== 0) throw new Error(`build for ${target} failed:\n${await new Response(build.stderr).text()}`);
    writeFileSync(join(stage, "README.txt"), `Isartor ${VERSION} for ${target}\n\nKeep the files of this directory together: the binary loads the native libraries beside it.\nStart: ./isartor up   (help: ./isartor --help)\n`);
    const archive = join(out, `${name}.tar.gz`);
    const tar = Bun.spawnSync(["tar", "-C", out, "-czf", archive, name]);
    if (tar.exitCode !== 0) throw new Error(`tar failed for ${target}: ${tar.stderr.toString()}`);
    const binaryBytes = statSync(exe).size;
    entries.push({
      target,
      archive: `${name}.tar.gz`,
      binaryBytes,
      companionBytes: dirBytes(stage) - binaryBytes,
      archiveBytes: statSync(archive).size,
      sha256: createHash("sha256").update(readFileSync(archive)).digest("hex"),
    });
    rmSync(stage, { recursive: true, force: true });
  }
  // one SHA256SUMS for every archive in the folder (earlier runs for other targets included)
  const sums = readdirSync(out)
    .filter((f) => f.endsWith(".tar.gz") && f.startsWith("isartor-") && !f.startsWith("isartor-bundle-"))
    .sort()
    .map((f) => `${createHash("sha256").update(readFileSync(join(out, f))).digest("hex")}  ${f}`);
  writeFileSync(join(out, "SHA256SUMS"), sums.join("\n") + "\n");
  return entries;
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Bun.argv.slice(2), options: { targets: { type: "string" }, out: { type: "string" } } });
  const targets = (values.targets ?? RELEASE_TARGETS.join(",")).split(",").map((t) => (t === "host" ? hostTarget() : t.trim()));
  for (const t of targets) if (!(RELEASE_TARGETS as readonly string[]).includes(t)) throw new Error(`unknown target '${t}'; one of ${RELEASE_TARGETS.join(", ")}, host`);
  const out = resolve(values.out ?? join(ROOT, "dist/release"));
  const entries = await buildRelease(targets, out);
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  console.log(`release ${VERSION} in ${out}\n`);
  console.log("TARGET        BINARY     COMPANIONS  ARCHIVE");
  for (const e of entries) console.log(`${e.target.padEnd(12)}  ${mb(e.binaryBytes).padEnd(9)}  ${mb(e.companionBytes).padEnd(10)}  ${mb(e.archiveBytes)}  ${e.archive}`);
}
