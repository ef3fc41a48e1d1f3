// `isartor status`, `isartor stop`, `isartor wait-ready`: manage a gateway through its PID file.
import { parseArgs } from "node:util";
import { defaultPidFile, isAlive, readPidFile, removePidFile, waitReady } from "../daemon/pid-file.ts";
import { CliError, EXIT, paint, printJson } from "./output.ts";

export const DAEMON_HELP = `isartor status [--json] [--pid-file FILE]
  Is a gateway running? Prints pid, URL and /health; exit 0 when running, 1 when not.
isartor stop [--timeout SECS] [--pid-file FILE]
  SIGTERM (in-flight requests drain), then SIGKILL after --timeout (default 30 s).
isartor wait-ready [--url URL] [--timeout SECS] [--pid-file FILE]
  Wait until /readyz answers 200 (CI: after \`up --detach\`); exit 1 on timeout.`;

const OPTIONS = { json: { type: "boolean" }, timeout: { type: "string" }, url: { type: "string" }, "pid-file": { type: "string" }, help: { type: "boolean", short: "h" } } as const;

function parse(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && (!Number.isFinite(timeout) || timeout <= 0)) throw new CliError(`--timeout takes a number of seconds, got '${values.timeout}'`, EXIT.usage);
  return { ...values, timeoutSecs: timeout, pidFile: values["pid-file"] ?? defaultPidFile() };
}

export async function status(argv: string[]): Promise<number> {
  const v = parse(argv);
  if (v.help) return (console.log(DAEMON_HELP), 0);
  const info = readPidFile(v.pidFile);
  const running = Boolean(info && isAlive(info.pid));
  let health: unknown = null;
  if (running) {
    try {
      health = await (await fetch(`${info!.url}/health`, { signal: AbortSignal.timeout(2000) })).json();
    } catch {
      health = null;
    }
  }
  if (v.json) printJson({ running, pid: running ? info!.pid : null, url: running ? info!.url : null, started_at: running ? info!.started_at : null, health });
  else if (running) console.log(`${paint("running", "green")}: pid ${info!.pid}, ${info!.url}, since ${info!.started_at}${health ? "" : " (not answering /health)"}`);
  else console.log(`not running${info ? ` (stale PID file ${v.pidFile} for pid ${info.pid})` : ""}`);
  return running ? 0 : EXIT.failed;
}

export async function stop(argv: string[]): Promise<number> {
  const v = parse(argv);
  if (v.help) return (console.log(DAEMON_HELP), 0);
  const info = readPidFile(v.pidFile);
  if (!info || !isAlive(info.pid)) {
    if (info) removePidFile(v.pidFile, info.pid);
    console.log("no gateway is running");
    return 0;
  }
  process.kill(info.pid, "SIGTERM");
  const deadline = Date.now() + (v.timeoutSecs ?? 30) * 1000;
  while (isAlive(info.pid) && Date.now() < deadline) await Bun.sleep(50);
  if (isAlive(info.pid)) {
    process.kill(info.pid, "SIGKILL");
    console.log(`pid ${info.pid} did not drain in time: killed`);
  } else console.log(`stopped pid ${info.pid}`);
  removePidFile(v.pidFile, info.pid);
  return 0;
}

export async function waitReadyCommand(argv: string[]): Promise<number> {
  const v = parse(argv);
  if (v.help) return (console.log(DAEMON_HELP), 0);
  const url = v.url ?? readPidFile(v.pidFile)?.url;
  if (!url) throw new CliError("no --url and no PID file: start the gateway with `isartor up --detach` or pass --url", EXIT.usage);
  const secs = v.timeoutSecs ?? 60;
  if (await waitReady(url.replace(/\/+$/, ""), secs * 1000)) {
    console.log(`ready: ${url}`);
    return 0;
  }
  console.error(`isartor: ${url} was not ready within ${secs} s`);
  return EXIT.failed;
}
