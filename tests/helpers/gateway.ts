// Starts a real gateway on a random loopback port with an isolated configuration.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import type { Config } from "../../src/config/types.ts";
import { startGateway, type RunningGateway } from "../../src/server/server.ts";
import type { ServiceOverrides } from "../../src/server/build-services.ts";

/** A config built from defaults plus the given ISARTOR__* variables, never reading the user's files. */
export function testConfig(env: Record<string, string> = {}): Config {
  const dir = mkdtempSync(join(tmpdir(), "isartor-cfg-"));
  // request log lines stay out of test output unless a test asks for them (ISARTOR__LOG_LEVEL: "info")
  const quiet = { ISARTOR__LOG_LEVEL: "warn" };
  return loadConfig({ env: { ISARTOR__HOST_PORT: "127.0.0.1:0", ISARTOR__USAGE__PATH: join(dir, "usage.jsonl"), ISARTOR__REQUEST_LOG__PATH: join(dir, "requests.jsonl"), ...quiet, ...env }, cwd: dir, home: dir }).config;
}

export async function startTestGateway(env: Record<string, string> = {}, overrides: ServiceOverrides = {}): Promise<RunningGateway> {
  return startGateway(testConfig(env), overrides);
}
