import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { HealthPinger, HealthTracker, pingProvider, type PingTarget } from "../../src/providers/health.ts";

let up: ReturnType<typeof Bun.serve>;
let failing = false;
const seen: Headers[] = [];

beforeAll(() => {
  up = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      seen.push(req.headers);
      if (failing) return new Response("down", { status: 503 });
      const path = new URL(req.url).pathname;
      if (path === "/v1beta/models") return Response.json({ models: [{ name: "models/gemini-x" }] });
      return Response.json({ object: "list", data: [{ id: "m1" }, { id: "m2" }] });
    },
  });
});
afterAll(() => up.stop(true));

const target = (over: Partial<PingTarget> = {}): PingTarget => ({
  provider: "p",
  protocol: "openai",
  baseUrl: `http://127.0.0.1:${up.port}/v1`,
  modelsPath: "/models",
  auth: "bearer",
  key: () => "sk-ping-key",
  timeoutMs: 2000,
  ...over,
});

describe("pingProvider", () => {
  test("reads model ids and sends the key the way each protocol expects", async () => {
    expect(await pingProvider(target())).toEqual(["m1", "m2"]);
    expect(seen.at(-1)!.get("authorization")).toBe("Bearer sk-ping-key");
    await pingProvider(target({ auth: "api-key" }));
    expect(seen.at(-1)!.get("api-key")).toBe("sk-ping-key");
    await pingProvider(target({ protocol: "anthropic" }));
    expect(seen.at(-1)!.get("x-api-key")).toBe("sk-ping-key");
    expect(seen.at(-1)!.get("anthropic-version")).toBeTruthy();
    expect(await pingProvider(target({ protocol: "gemini", baseUrl: `http://127.0.0.1:${up.port}/v1beta` }))).toEqual(["gemini-x"]);
    expect(seen.at(-1)!.get("x-goog-api-key")).toBe("sk-ping-key");
  });

  test("a refused ping names the status", async () => {
    failing = true;
    await expect(pingProvider(target())).rejects.toThrow("ping returned HTTP 503");
    failing = false;
  });
});

describe("HealthPinger", () => {
  test("probe failures mark the provider without counting requests; recovery calls back", async () => {
    const health = new HealthTracker(["p"]);
    const recovered: string[] = [];
    const pinger = new HealthPinger([target()], health, 60_000, (p) => recovered.push(p), 10);
    failing = true;
    await pinger.ping(target());
    await pinger.ping(target());
    await pinger.ping(target());
    expect(health.snapshot("p")).toMatchObject({ status: "down", requests: 0, errors: 0, consecutive_failures: 3, last_error: "ping returned HTTP 503" });
    failing = false;
    await pinger.ping(target());
    pinger.stop();
    expect(health.snapshot("p")).toMatchObject({ status: "healthy", requests: 0, discovered_models: ["m1", "m2"] });
    expect(recovered).toEqual(["p"]);
  });

  test("after a failure the next ping comes sooner, backing off up to the interval", async () => {
    const health = new HealthTracker(["p"]);
    const before = seen.length;
    failing = true;
    const pinger = new HealthPinger([target()], health, 60_000, () => {}, 20);
    pinger.start();
    for (let i = 0; i < 400 && health.snapshot("p")!.consecutive_failures < 3; i++) await Bun.sleep(10);
    pinger.stop();
    failing = false;
    // start + two backed-off retries (20 ms, 40 ms) well before the 60 s interval
    expect(seen.length - before).toBeGreaterThanOrEqual(3);
    expect(health.snapshot("p")!.consecutive_failures).toBeGreaterThanOrEqual(3);
  });
});
