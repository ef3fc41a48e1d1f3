// Runs the CLI as a child process with text on its stdin (scripted answers, piped keys).
import { SOURCE_CLI } from "./cli.ts";

export async function runCliInput(argv: string[], env: Record<string, string>, input = "") {
  const proc = Bun.spawn([...SOURCE_CLI, ...argv], { cwd: env.HOME, env, stdin: new TextEncoder().encode(input), stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code, all: stdout + stderr };
}
