import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { backoffMs, CircuitBreaker } from "../../src/providers/chain.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { startFaultUpstream, type FaultUpstream } from "../helpers/fault-upstream.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { ask, chainEnv } from "./provider-env.ts";

describe("backoff", () => {
  test("doubles per retry up to the cap, with the jitter in the upper half of each step", () => {
    expect([1, 2, 3, 4, 5].map((r) => backoffMs(r, 100, 1000, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((r) => backoffMs(r, 100, 1000, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });
});

describe("CircuitBreaker", () => {
  test("opens after the threshold, lets a trial through after the cooldown, closes on success", () => {
    let now = 0;
    const breaker = new CircuitBreaker(3, 1000, () => now);
    breaker.failure();
    breaker.failure();
    expect(breaker.state()).toBe("closed");
    breaker.failure();
    expect(breaker.state()).toBe("open");
    expect(breaker.allow()).toBe(false);
    expect(breaker.retryInSecs()).toBe(1);
    now = 1000;
    expect(breaker.state()).toBe("half_open");
    breaker.failure();
    expect(breaker.allow()).toBe(false);
    now = 2000;
    breaker.success();
    expect(breaker.state()).toBe("closed");
  });

  test("a success resets the count; threshold 0 never opens", () => {
    const breaker = new CircuitBreaker(2, 1000);
    breaker.failure();
    breaker.success();
    breaker.failure();
    expect(breaker.state()).toBe("closed");
    const never = new CircuitBreaker(0, 1000);
    for (let i = 0; i < 10; i++) never.failure();
    expect(never.allow()).toBe(true);
  });
});

describe("one dead provider out of three", () => {
  let dead: FaultUpstream;
  let b: FaultUpstream;
  let c: FaultUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    dead = await startFaultUpstream("dead");
    b = await startFaultUpstream("b");
    c = await startFaultUpstream("c");
    dead.otherwise = { kind: "reset" };
    gateway = await startTestGateway(
      chainEnv([dead, b, c], { ISARTOR__CIRCUIT_BREAKER__FAILURE_THRESHOLD: "3", ISARTOR__CIRCUIT_BREAKER__COOLDOWN_SECS: "600", ISARTOR__ADMIN_API_KEY: "chain-admin-key-0123" }),
    );
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all([dead.stop(), b.stop(), c.stop()]);
  });

  test("costs the client nothing but latency: every request succeeds, and the breaker soon stops trying it", async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused", maxRetries: 0 });
    const providers: (string | null)[] = [];
    for (let i = 0; i < 8; i++) {
      const stream = i % 2 === 1;
      if (stream) {
        const { data, response } = await client.chat.completions.create({ ...ask(`q${i}`), stream: true }).withResponse();
        let text = "";
        for await (const ch of data) text += ch.choices[0]?.delta?.content ?? "";
        expect(text).toBe("answer from b");
        providers.push(response.headers.get("x-isartor-provider"));
      } else {
        const { data, response } = await client.chat.completions.create(ask(`q${i}`)).withResponse();
        expect(data.choices[0]!.message.content).toBe("answer from b");
        providers.push(response.headers.get("x-isartor-provider"));
      }
    }
    expect(providers.every((p) => p === "b")).toBe(true);
    // 2 attempts on the first request, 1 more trips the breaker on the second; then it is skipped
    expect(dead.requests.length).toBe(3);
    expect(c.requests.length).toBe(0);

    // the failure's text is shown to the admin key only
    const health = await (await fetch(`${gateway.url}/health`, { headers: { authorization: "Bearer chain-admin-key-0123" } })).json();
    const byName = Object.fromEntries(health.providers.map((p: { name: string }) => [p.name, p]));
    expect(byName.dead).toMatchObject({ status: "down", circuit: "open", errors: 3 });
    expect(byName.dead.last_error).toContain("cannot reach upstream dead");
    expect(byName.b).toMatchObject({ status: "healthy", circuit: "closed", errors: 0, requests: 8 });
    expect(byName.c.status).toBe("unknown");
  });
});
