// Where the CLI keeps its own files: ~/.isartor (HOME decides, so tests run against temp homes).
import { chmodSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export function isartorHome(): string {
  return process.env.ISARTOR_HOME || join(homedir(), ".isartor");
}

export function homePath(...parts: string[]): string {
  return join(isartorHome(), ...parts);
}

/** Writes a file only its owner can read, atomically (temp file + rename), creating 0700 parents. */
export function writePrivateFile(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}
