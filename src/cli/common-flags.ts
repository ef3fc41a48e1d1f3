// Flags shared by commands that load the configuration, turned into dotted config overrides.
import { parseArgs } from "node:util";
import { loadConfig, type LoadOptions } from "../config/load.ts";

export const CONFIG_FLAGS = {
  config: { type: "string" },
  host: { type: "string" },
  port: { type: "string" },
  offline: { type: "boolean" },
  profile: { type: "string" },
  set: { type: "string", multiple: true },
} as const;

export function parseCommandArgs(argv: string[]) {
  return parseArgs({ args: argv, options: { ...CONFIG_FLAGS, help: { type: "boolean", short: "h" } }, allowPositionals: false, strict: true });
}

export function configFromFlags(values: ReturnType<typeof parseCommandArgs>["values"], env = process.env) {
  const flags: NonNullable<LoadOptions["flags"]> = {};
  if (values.host !== undefined || values.port !== undefined) {
    // host and port override the two halves of host_port independently
    const base = loadConfig({ configPath: values.config, env }).config.host_port;
    const [, baseHost, basePort] = /^(.*):(\d+)$/.exec(base) ?? [base, "0.0.0.0", "8080"];
    const flag = [values.host !== undefined ? "--host" : "", values.port !== undefined ? "--port" : ""].filter(Boolean).join(" ");
    if (values.port !== undefined && !/^\d+$/.test(values.port)) throw new Error(`--port must be a number, got '${values.port}'`);
    flags.host_port = { value: `${values.host ?? baseHost}:${values.port ?? basePort}`, flag };
  }
  if (values.offline) flags.offline = { value: true, flag: "--offline" };
  if (values.profile !== undefined) flags.profile = { value: values.profile, flag: "--profile" };
  for (const pair of values.set ?? []) {
    const eq = pair.indexOf("=");
    if (eq < 1) throw new Error(`--set takes KEY=VALUE, got '${pair}'`);
    flags[pair.slice(0, eq)] = { value: pair.slice(eq + 1), flag: `--set ${pair.slice(0, eq)}` };
  }
  return loadConfig({ configPath: values.config, flags, env });
}
