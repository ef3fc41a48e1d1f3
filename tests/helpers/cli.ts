// Runs the CLI (source or compiled binary) as a child process in an isolated directory.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "../..");
export const SOURCE_CLI = [process.execPath, resolve(ROOT, "src/main.ts")];

export function isolatedEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), "isartor-home-"));
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: home };
  return { ...env, ...extra };
}

export async function runCli(argv: string[], env: Record<string, string> = isolatedEnv(), cmd = SOURCE_CLI) {
  const proc = Bun.spawn([...cmd, ...argv], { cwd: env.HOME, env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}

/** Starts `isartor up` on a random port and resolves once it printed its listening line. */
export async function spawnUp(argv: string[], env: Record<string, string>, cmd = SOURCE_CLI) {
  const proc = Bun.spawn([...cmd, "up", "--host", "127.0.0.1", "--port", "0", ...argv], { cwd: env.HOME, env, stdout: "pipe", stderr: "pipe" });
  const reader = proc.stdout.getReader();
  let out = "";
  const deadline = Date.now() + 60_000;
  while (!/listening on (http:\/\/\S+)/.test(out)) {
    if (Date.now() > deadline) throw new Error(`gateway did not start: ${out}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`gateway exited: ${out}${await new Response(proc.stderr).text()}`);
    out += new TextDecoder().decode(value);
  }
  const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
  const rest = (async () => {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return out;
      out += new TextDecoder().decode(value);
    }
  })();
  return { proc, url, output: () => rest };
}
