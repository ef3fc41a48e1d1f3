// `isartor up --detach`, `status`, `wait-ready`, `stop` as a CI sidecar would use them.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isolatedEnv } from "../helpers/cli.ts";
import { runCliInput } from "../helpers/cli-input.ts";

describe("detached gateway", () => {
  const env = isolatedEnv({ ISARTOR__CACHE_MODE: "exact", ISARTOR__HOST_PORT: "127.0.0.1:0" });
  afterAll(async () => {
    await runCliInput(["stop", "--timeout", "5"], env);
  });

  test("up --detach returns once ready; status, wait-ready and stop work through the PID file", async () => {
    expect((await runCliInput(["status"], env)).code).toBe(1);
    const up = await runCliInput(["up", "--detach", "--ready-timeout", "60"], env);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/running in the background: pid \d+, http:\/\/127\.0\.0\.1:\d+/);
    const pidFile = join(env.HOME!, ".isartor", "isartor.pid");
    const info = JSON.parse(readFileSync(pidFile, "utf8"));
    expect((await fetch(`${info.url}/healthz`)).status).toBe(200);

    const status = await runCliInput(["status", "--json"], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, pid: info.pid, url: info.url });
    expect((await runCliInput(["wait-ready", "--timeout", "10"], env)).code).toBe(0);

    const again = await runCliInput(["up", "--detach"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already running");

    const stop = await runCliInput(["stop", "--timeout", "20"], env);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain(`stopped pid ${info.pid}`);
    expect(existsSync(pidFile)).toBe(false);
    expect((await runCliInput(["status"], env)).code).toBe(1);
    expect(readFileSync(join(env.HOME!, ".isartor", "isartor.log"), "utf8")).toContain("isartor stopped");
  });

  test("a gateway that cannot start fails the detach with the log's path; wait-ready times out cleanly", async () => {
    const bad = isolatedEnv({ ISARTOR__CACHE_MODE: "nonsense" });
    const r = await runCliInput(["up", "--detach", "--ready-timeout", "20"], bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("isartor.log");
    expect(readFileSync(join(bad.HOME!, ".isartor", "isartor.log"), "utf8")).toContain("cache_mode");
    const wait = await runCliInput(["wait-ready", "--url", "http://127.0.0.1:1", "--timeout", "1"], bad);
    expect(wait.code).toBe(1);
  });
});
