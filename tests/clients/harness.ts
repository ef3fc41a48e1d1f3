// Runs a real coding CLI (Codex, Claude Code, Gemini CLI) against a gateway on loopback: its own
// temporary HOME, telemetry off, and a dead proxy for anything that is not loopback.
// The CLIs are large (Codex ~420 MB, Claude Code ~235 MB, Gemini CLI ~100 MB) and not project
// dependencies: a suite finds them in ISARTOR_CLIENTS_BIN (a node_modules/.bin directory, e.g. after
// `npm install --prefix ~/isartor-clients @openai/codex @anthropic-ai/claude-code @google/gemini-cli`),
// on the project's node_modules/.bin, or skips with the reason printed.
import { afterAll, beforeAll, expect } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ProviderClient } from "../../src/providers/provider.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";

export function findClient(bin: string): string | undefined {
  const dirs = [process.env.ISARTOR_CLIENTS_BIN, resolve(import.meta.dir, "../../node_modules/.bin")].filter((d): d is string => Boolean(d));
  for (const dir of dirs) {
    const path = join(dir, bin);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** The CLI's path; when it is not installed, undefined and the reason its suite skips is printed. */
export function clientOrSkip(bin: string, pkg: string): string | undefined {
  const path = findClient(bin);
  if (!path) console.log(`${bin} not found (set ISARTOR_CLIENTS_BIN to a node_modules/.bin holding ${pkg}); skipping the ${bin} suite`);
  return path;
}

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** What one CLI suite runs against: the mock upstream, a gateway (exact cache) in front of it, the CLI's own HOME and working directory. */
export interface ClientBench<U> {
  upstream: U;
  gateway: RunningGateway;
  home: string;
  work: string;
}

/**
 * Sets up (beforeAll) and tears down (afterAll) a suite's bench; the returned object is filled in once the
 * suite starts. prepareHome writes the CLI's settings into its HOME.
 */
export function clientBench<U extends { stop(): void }>(
  name: string,
  start: { upstream: () => U; provider: (upstream: U) => ProviderClient; prepareHome?: (home: string, gatewayUrl: string) => void },
): ClientBench<U> {
  const bench = {} as ClientBench<U>;
  beforeAll(async () => {
    bench.upstream = start.upstream();
    bench.gateway = await startTestGateway({ ISARTOR__CACHE_MODE: "exact" }, { provider: start.provider(bench.upstream) });
    bench.home = tempDir(`isartor-${name}-home-`);
    bench.work = tempDir(`isartor-${name}-work-`);
    start.prepareHome?.(bench.home, bench.gateway.url);
  });
  afterAll(async () => {
    await bench.gateway?.stop();
    bench.upstream?.stop();
  });
  return bench;
}

/** The same prompt again, in a new session: the answer comes back and the upstream sees no new conversation request. */
export async function expectCacheHit(run: () => Promise<ClientRun>, marker: string, conversationRequests: () => number): Promise<void> {
  const before = conversationRequests();
  const again = await run();
  expect(again.stdout + again.stderr).toContain(marker);
  expect(conversationRequests()).toBe(before);
}

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
