#!/usr/bin/env bun
// Compiles the gateway into one executable: `bun scripts/build.ts [--target bun-linux-x64|bun-linux-arm64|bun-darwin-arm64|…] [--outfile dist/isartor]`.
// Without --target it builds for the host.
import { parseArgs } from "node:util";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { target: { type: "string" }, outfile: { type: "string" }, all: { type: "boolean" } },
});

const ROOT = resolve(import.meta.dir, "..");
const TARGETS = ["bun-linux-x64", "bun-linux-arm64", "bun-darwin-x64", "bun-darwin-arm64", "bun-windows-x64"];

async function build(target: string | undefined, outfile: string) {
  mkdirSync(dirname(outfile), { recursive: true });
  const args = ["build", "--compile", "--minify-syntax", "--sourcemap=none", resolve(ROOT, "src/main.ts"), "--outfile", outfile];
  if (target) args.push("--target", target);
  const proc = Bun.spawn([process.execPath, ...args], { cwd: ROOT, stdout: "inherit", stderr: "inherit" });
  if ((await proc.exited) !== 0) throw new Error(`bun build failed for ${target ?? "host"}`);
  console.log(`built ${outfile}${target ? ` (${target})` : ""}`);
}

if (values.all) {
  for (const t of TARGETS) await build(t, resolve(ROOT, "dist", t.replace(/^bun-/, "isartor-") + (t.includes("windows") ? ".exe" : "")));
} else {
  await build(values.target, resolve(ROOT, values.outfile ?? "dist/isartor"));
}
