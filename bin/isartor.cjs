#!/usr/bin/env node
// npm bin shim: runs the TypeScript entry with Bun (from the `bun` npm package when installed, else PATH).
const { spawnSync } = require("node:child_process");
const { join } = require("node:path");

let bun = "bun";
try {
  bun = join(require.resolve("bun/package.json"), "..", "bin", process.platform === "win32" ? "bun.exe" : "bun.exe");
} catch {
  // fall back to a bun on PATH
}
const result = spawnSync(bun, [join(__dirname, "..", "src", "main.ts"), ...process.argv.slice(2)], { stdio: "inherit" });
if (result.error) {
  console.error(`isartor: cannot run bun (${result.error.message}); install it with 'npm install' or use the compiled binary`);
  process.exit(1);
}
process.exit(result.status ?? 1);
