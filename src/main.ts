#!/usr/bin/env bun
// Entry of the compiled binary: CLI dispatch only.
import { ConfigError } from "./config/load.ts";
import { VERSION } from "./version.ts";
import { check } from "./cli/check.ts";
import { up, UP_HELP } from "./cli/up.ts";
import { models } from "./cli/models.ts";
import { providers } from "./cli/providers.ts";
import { cache } from "./cli/cache.ts";
import { router } from "./cli/router.ts";
import { setup } from "./cli/setup.ts";
import { setKey } from "./cli/set-key.ts";
import { auth } from "./cli/auth.ts";
import { sync } from "./cli/sync.ts";
import { connectCommand, disconnectCommand } from "./cli/connect.ts";
import { status, stop, waitReadyCommand } from "./cli/daemon.ts";
import { demo } from "./cli/demo.ts";
import { logs } from "./cli/logs.ts";
import { stats } from "./cli/stats.ts";
import { CliError } from "./cli/output.ts";
import { UnsealError } from "./auth/sealed-box.ts";
import { DeviceFlowError } from "./auth/device-flow.ts";

const HELP = `isartor ${VERSION} — AI prompt firewall and LLM gateway

Usage: isartor <command> [options]

Commands:
  up        start the gateway (default when no command is given; --detach for the background)
  status    is a gateway running (PID file, /health)     stop   stop it (drains in-flight requests)
  wait-ready  wait until a gateway answers /readyz (CI)
  setup     first-run wizard: provider, key, cache mode, gateway key (or the same as flags)
  set-key   store a provider API key in the encrypted token store
  auth      login | logout | status: provider credentials (device login where offered)
  connect   point Claude Code, Codex, Gemini CLI, Copilot, Cursor, OpenCode or SDK env at the gateway
            (connect status, disconnect <client> restores the backup)
  sync      init | push | pull | status | serve: end-to-end encrypted config and key sync
  demo      replay a bundled workload against a built-in mock provider; prints deflection by layer
  check     validate the configuration and print effective values with their sources
  logs      the gateway's log, or --requests the request log (--follow, --layer, --since, --json)
  stats     requests, deflection by layer, latency percentiles, tokens and cost saved (--usage, --json)
  models    pull | list | import the embedding model for the semantic cache (isartor models --help)
  providers L3 providers: status, latency, keys available, last error (isartor providers --help)
  cache     calibrate: similarity threshold from labelled question pairs, per encoder (isartor cache --help)
  router    train | eval the L0.5 routing heads on labelled JSON lines (isartor router --help)

Options:
  --version  print the version
  --help     print this help

${UP_HELP}

Configuration: defaults ← isartor.toml (--config, ISARTOR_CONFIG, ./isartor.toml, ~/.isartor/isartor.toml)
← environment (ISARTOR__KEY, ISARTOR__TABLE__KEY) ← flags.`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  up,
  check,
  models,
  providers,
  cache,
  router,
  setup,
  "set-key": setKey,
  auth,
  sync,
  connect: connectCommand,
  disconnect: disconnectCommand,
  status,
  stop,
  "wait-ready": waitReadyCommand,
  demo,
  logs,
  stats,
};

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "--version" || first === "-V" || first === "version") {
    console.log(`isartor ${VERSION}`);
    return 0;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    console.log(HELP);
    return 0;
  }
  const command = first === undefined || first.startsWith("-") ? "up" : first;
  const run = COMMANDS[command];
  if (!run) {
    console.error(`unknown command '${command}'\n\n${HELP}`);
    return 2;
  }
  return run(command === first ? rest : argv);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof ConfigError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(`isartor: ${(err as Error).message}`);
    process.exitCode = 2;
  } else if (err instanceof CliError) {
    console.error(`isartor: ${err.message}`);
    process.exitCode = err.exitCode;
  } else if (err instanceof UnsealError || err instanceof DeviceFlowError) {
    console.error(`isartor: ${err.message}`);
    process.exitCode = 1;
  } else {
    console.error(err);
    process.exitCode = 1;
  }
}
