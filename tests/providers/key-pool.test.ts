import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { KeyPool, maskKey } from "../../src/providers/key-pool.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { useFaultPair } from "../helpers/fault-pair.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { ask, chainEnv, usageRecords } from "./provider-env.ts";

describe("KeyPool", () => {
  test("round robin rotates through the keys", () => {
    const pool = new KeyPool("p", ["k1", "k2", "k3"]);
    expect([1, 2, 3, 4].map(() => pool.pick()!.secret)).toEqual(["k1", "k2", "k3", "k1"]);
  });

  test("priority always takes the first available key", () => {
    const pool = new KeyPool("p", ["k1", "k2"], "priority");
    expect(pool.pick()!.id).toBe("p#1");
    expect(pool.pick()!.id).toBe("p#1");
    pool.coolDown("p#1", 1000, "HTTP 429");
    expect(pool.pick()!.id).toBe("p#2");
  });

  test("a cooling key comes back when its cooldown is over", () => {
    let now = 1_000;
    const pool = new KeyPool("p", ["k1", "k2"], "priority", () => now);
    pool.coolDown("p#1", 500, "HTTP 401");
    pool.coolDown("p#2", 2_000, "HTTP 429");
    expect(pool.pick()).toBeUndefined();
    expect(pool.available()).toBe(0);
    expect(pool.nextAvailableSecs()).toBe(1);
    now += 600;
    expect(pool.pick()!.id).toBe("p#1");
    expect(pool.status()).toEqual([
      { id: "p#1", masked: "****", available: true },
      { id: "p#2", masked: "****", available: false, cooling_down_secs: 2, reason: "HTTP 429" },
    ]);
  });

  test("excluded keys are skipped; a pool without keys has one keyless member", () => {
    const pool = new KeyPool("p", ["k1", "k2"]);
    expect(pool.pick(new Set(["p#1"]))!.id).toBe("p#2");
    const keyless = new KeyPool("local", []);
    expect(keyless.size).toBe(1);
    expect(keyless.pick()).toEqual({ id: "local#none", secret: undefined });
  });

  test("masking shows only the first 3 and last 4 characters", () => {
    expect(maskKey("sk-proj-abcdefghijklmnop")).toBe("sk-…mnop");
    expect(maskKey("short")).toBe("****");
  });
});

describe("key pools through the gateway", () => {
  const ups = useFaultPair();
  let gateway: RunningGateway;
  let client: OpenAI;
  const keys = ["sk-a-first-key-0001", "sk-a-second-key-0002", "sk-a-third-key-0003"];
  const bearer = (i: number) => `Bearer ${keys[i]}`;

  beforeEach(async () => {
    ups.reset();
    gateway = await startTestGateway(chainEnv([ups.a, ups.b], {}, (u) => (u.name === "a" ? { api_key: undefined, api_keys: keys } : {})));
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused", maxRetries: 0 });
  });
  afterEach(async () => {
    await gateway.stop();
  });

  test("calls rotate over the keys", async () => {
    for (let i = 0; i < 4; i++) await client.chat.completions.create(ask(`rotate ${i}`));
    expect(ups.a.requests.map((r) => r.headers.authorization)).toEqual([bearer(0), bearer(1), bearer(2), bearer(0)]);
    const records = await usageRecords(gateway);
    expect(records.map((r) => r.key_id)).toEqual(["a#1", "a#2", "a#3", "a#1"]);
  });

  test("a 429 parks that key and the next key is tried at once; later calls skip the parked key", async () => {
    ups.a.script = [{ kind: "status", status: 429, retryAfter: "60" }];
    const { data, response } = await client.chat.completions.create(ask("limited")).withResponse();
    expect(data.choices[0]!.message.content).toBe("answer from a");
    expect(response.headers.get("x-isartor-provider")).toBe("a");
    expect(response.headers.get("x-isartor-retries")).toBe("1");
    expect(ups.a.requests.map((r) => r.headers.authorization)).toEqual([bearer(0), bearer(1)]);
    for (let i = 0; i < 3; i++) await client.chat.completions.create(ask(`after ${i}`));
    expect(ups.a.requests.slice(2).map((r) => r.headers.authorization)).toEqual([bearer(2), bearer(1), bearer(2)]);
    const status = gateway.services.providers.status().find((p) => p.name === "a")!;
    expect(status.keys.available).toBe(2);
    expect(status.keys.detail[0]).toMatchObject({ id: "a#1", available: false, reason: "HTTP 429" });
  });

  test("a 401 parks the key without counting a retry; when every key is refused, b answers", async () => {
    ups.a.otherwise = { kind: "status", status: 401, message: "invalid api key" };
    const { data, response } = await client.chat.completions.create(ask("bad keys")).withResponse();
    expect(data.choices[0]!.message.content).toBe("answer from b");
    expect(response.headers.get("x-isartor-provider")).toBe("b");
    expect(response.headers.get("x-isartor-retries")).toBeNull();
    expect(ups.a.requests.map((r) => r.headers.authorization)).toEqual([bearer(0), bearer(1), bearer(2)]);

    // while the keys cool down, a is not called at all
    await client.chat.completions.create(ask("bad keys again"));
    expect(ups.a.requests.length).toBe(3);
    const health = await (await fetch(`${gateway.url}/health`)).json();
    const aHealth = health.providers.find((p: { name: string }) => p.name === "a");
    expect(aHealth.keys).toEqual({ available: 0, total: 3 });
    expect(JSON.stringify(health)).not.toContain("sk-a-");
  });
});
