// The PID file of a running gateway (~/.isartor/isartor.pid): lets `isartor status`, `stop` and
// `wait-ready` find a gateway started with `up` or `up --detach`.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { homePath, writePrivateFile } from "../auth/isartor-home.ts";

export interface PidInfo {
  pid: number;
  url: string;
  started_at: string;
  log?: string;
}

export function defaultPidFile(): string {
  return homePath("isartor.pid");
}

export function writePidFile(path: string, info: PidInfo): void {
  writePrivateFile(path, JSON.stringify(info) + "\n");
}

export function readPidFile(path: string): PidInfo | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const info = JSON.parse(readFileSync(path, "utf8")) as PidInfo;
    return Number.isInteger(info.pid) && info.pid > 0 ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the file only if it still names this process (a newer gateway may have replaced it). */
export function removePidFile(path: string, pid = process.pid): void {
  if (readPidFile(path)?.pid === pid) rmSync(path, { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Polls url/readyz until it answers 200 or the deadline passes. */
export async function waitReady(url: string, timeoutMs: number, stillStarting: () => boolean = () => true): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && stillStarting()) {
    try {
      if ((await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) })).ok) return true;
    } catch {
      // not listening yet
    }
    await Bun.sleep(100);
  }
  return false;
}
