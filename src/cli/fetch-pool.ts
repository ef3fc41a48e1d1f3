// Bun's fetch pool holds BUN_CONFIG_MAX_HTTP_REQUESTS requests (256 by default) and reads the variable
// only when the process starts. So that upstream_max_connections above that really raises the cap,
// `isartor up` runs itself once more with the variable set (forwarding signals and the exit code); an
// operator who set the variable explicitly is left alone.
import type { Config } from "../config/types.ts";
import { bunFetchPoolSize } from "../providers/upstream-gate.ts";

/** The environment a gateway process needs for this configuration's upstream concurrency (empty when none). */
export function fetchPoolEnv(config: Config, env: Record<string, string | undefined> = process.env): Record<string, string> {
  if (env.BUN_CONFIG_MAX_HTTP_REQUESTS !== undefined || config.upstream_max_connections <= bunFetchPoolSize(env)) return {};
  return { BUN_CONFIG_MAX_HTTP_REQUESTS: String(config.upstream_max_connections) };
}

/** fetchPoolEnv of a configuration that may not load: the process that gets it reports that error itself. */
export function fetchPoolEnvIfLoadable(load: () => Config): Record<string, string> {
  try {
    return fetchPoolEnv(load());
  } catch {
    return {};
  }
}

/** Runs `command` with the pool variable when this process's pool is too small; undefined when it is not. */
export async function runWithFetchPool(config: Config, command: string[]): Promise<number | undefined> {
  const extra = fetchPoolEnv(config);
  if (Object.keys(extra).length === 0) return undefined;
  const child = Bun.spawn(command, { env: { ...process.env, ...extra }, stdio: ["inherit", "inherit", "inherit"] });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onTerm = forward("SIGTERM");
  const onInt = forward("SIGINT");
  process.on("SIGTERM", onTerm);
  process.on("SIGINT", onInt);
  try {
    return await child.exited;
  } finally {
    process.off("SIGTERM", onTerm);
    process.off("SIGINT", onInt);
  }
}
