// `isartor up`: start the gateway in the foreground (SIGTERM/SIGINT drain and exit 0), or with
// --detach in the background: the parent waits until it is ready, prints where it runs, and exits.
import { spawn } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { applyStoredKeys } from "../auth/apply-stored-keys.ts";
import { homePath } from "../auth/isartor-home.ts";
import { defaultPidFile, isAlive, readPidFile, removePidFile, waitReady, writePidFile } from "../daemon/pid-file.ts";
import { startGateway } from "../server/server.ts";
import { CONFIG_FLAGS, configFromFlags } from "./common-flags.ts";
import { fetchPoolEnvIfLoadable, runWithFetchPool } from "./fetch-pool.ts";
import { CliError, EXIT } from "./output.ts";

export const UP_HELP = `isartor up [--host H] [--port P] [--config FILE] [--offline] [--set KEY=VALUE]...
           [--detach [--ready-timeout SECS] [--log-file FILE]] [--pid-file FILE]
  Start the gateway. Without a config file it runs on built-in defaults. Provider keys the
  configuration leaves empty come from the token store (isartor set-key).
  --detach         run in the background; returns once /readyz answers (exit 1 if it does not
                   within --ready-timeout, default 60 s); logs go to ~/.isartor/isartor.log
  --pid-file FILE  where the PID file goes (default ~/.isartor/isartor.pid; used by status/stop)

  Examples:
    isartor up --port 8080
    isartor up --detach --ready-timeout 30 && isartor status && isartor stop`;

const OPTIONS = {
  ...CONFIG_FLAGS,
  detach: { type: "boolean" },
  "ready-timeout": { type: "string" },
  "pid-file": { type: "string" },
  "log-file": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function seconds(value: string | undefined, def: number, flag: string): number {
  if (value === undefined) return def;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${flag} takes a number of seconds, got '${value}'`, EXIT.usage);
  return n;
}

/** The command line that runs this same program (source file under bun, or the compiled binary). */
function selfCommand(): string[] {
  return Bun.isStandaloneExecutable ? [process.execPath] : [process.execPath, Bun.main];
}

async function detach(argv: string[], pidFile: string, logFile: string, readyTimeoutSecs: number): Promise<number> {
  const running = readPidFile(pidFile);
  if (running && isAlive(running.pid)) throw new CliError(`a gateway is already running (pid ${running.pid}, ${running.url}); \`isartor stop\` first`, EXIT.failed);
  const childArgs = argv.filter((a, i) => a !== "--detach" && !a.startsWith("--ready-timeout") && argv[i - 1] !== "--ready-timeout" && !a.startsWith("--log-file") && argv[i - 1] !== "--log-file");
  const [cmd, ...pre] = selfCommand();
  mkdirSync(dirname(logFile), { recursive: true, mode: 0o700 });
  const out = openSync(logFile, "a", 0o600);
  // the detached process starts with the fetch pool it needs, so it never restarts itself (its pid is the one recorded)
  const env = { ...process.env, ...fetchPoolEnvIfLoadable(() => configFromFlags(parseArgs({ args: argv, options: OPTIONS, strict: true }).values).config) };
  const child = spawn(cmd!, [...pre, "up", ...childArgs, "--pid-file", pidFile], { detached: true, stdio: ["ignore", out, out], env });
  child.unref();
  let exited = false;
  child.once("exit", () => (exited = true));
  const deadline = Date.now() + readyTimeoutSecs * 1000;
  let info = readPidFile(pidFile);
  while ((!info || info.pid !== child.pid) && !exited && Date.now() < deadline) {
    await Bun.sleep(50);
    info = readPidFile(pidFile);
  }
  const url = info && info.pid === child.pid ? info.url : undefined;
  if (url && (await waitReady(url, deadline - Date.now(), () => !exited))) {
    console.log(`isartor running in the background: pid ${child.pid}, ${url} (logs ${logFile})`);
    return 0;
  }
  console.error(`isartor: the gateway did not become ready within ${readyTimeoutSecs} s${exited ? " (it exited)" : ""}; see ${logFile}`);
  if (!exited && child.pid) process.kill(child.pid, "SIGTERM");
  return EXIT.failed;
}

export async function up(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  if (values.help) {
    console.log(UP_HELP);
    return 0;
  }
  const pidFile = values["pid-file"] ?? defaultPidFile();
  if (values.detach) return detach(argv, pidFile, values["log-file"] ?? homePath("isartor.log"), seconds(values["ready-timeout"], 60, "--ready-timeout"));

  const loaded = configFromFlags(values);
  const { config, file } = loaded;
  const restarted = await runWithFetchPool(config, [...selfCommand(), "up", ...argv]);
  if (restarted !== undefined) return restarted;
  const fromStore = applyStoredKeys(loaded, (m) => console.error(`isartor: ${m}`));
  const gateway = await startGateway(config, file ? { configFile: file } : {});
  const s = gateway.services;
  writePidFile(pidFile, { pid: process.pid, url: gateway.url, started_at: new Date().toISOString() });
  console.log(
    `isartor ${s.version} listening on ${gateway.url} (bind ${config.host_port})` +
      ` · layers ${s.layersEnabled.join(" → ")}` +
      ` · provider ${s.providerName ?? "none (cache only; set ISARTOR__EXTERNAL_LLM_API_KEY or run isartor set-key)"}` +
      (fromStore.length ? ` · keys from token store: ${fromStore.join(", ")}` : "") +
      (file ? ` · config ${file}` : " · built-in defaults"),
  );
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      console.log(`${signal} received: draining ${s.inFlight()} in-flight request(s)…`);
      gateway.stop().then(resolve);
    };
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    process.once("SIGINT", () => shutdown("SIGINT"));
  });
  removePidFile(pidFile);
  console.log("isartor stopped");
  return 0;
}
