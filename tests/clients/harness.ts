// Runs a real coding CLI (Codex, Claude Code, Gemini CLI) against a gateway on loopback: its own
// temporary HOME, telemetry off, and a dead proxy for anything that is not loopback.
// The CLIs are large (Codex ~420 MB, Claude Code ~235 MB, Gemini CLI ~100 MB) and not project
// dependencies: a suite finds them in ISARTOR_CLIENTS_BIN (a node_modules/.bin directory, e.g. after
// `npm install --prefix ~/isartor-clients @openai/codex @anthropic-ai/claude-code @google/gemini-cli`),
// on the project's node_modules/.bin, or skips with the reason printed.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export function findClient(bin: string): string | undefined {
  const dirs = [process.env.ISARTOR_CLIENTS_BIN, resolve(import.meta.dir, "../../node_modules/.bin")].filter((d): d is string => Boolean(d));
  for (const dir of dirs) {
    const path = join(dir, bin);
    if (existsSync(path)) return path;
  }
  return undefined;
}

export function skipReason(bin: string, pkg: string): string {
  return `${bin} not found (set ISARTOR_CLIENTS_BIN to a node_modules/.bin holding ${pkg}); skipping the ${bin} suite`;
}

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

export interface ClientRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion (generous timeout: these start slowly on a loaded machine). */
export async function runClient(cmd: string[], opts: { home: string; cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<ClientRun> {
  const proc = Bun.spawn(cmd, {
    cwd: opts.cwd,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: opts.home,
      // only loopback: every other host goes to a proxy that is not there
      HTTPS_PROXY: "http://127.0.0.1:9",
      HTTP_PROXY: "http://127.0.0.1:9",
      NO_PROXY: "127.0.0.1,localhost",
      DO_NOT_TRACK: "1",
      ...opts.env,
    },
  });
  const timer = setTimeout(() => proc.kill(), opts.timeoutMs ?? 150_000);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}
