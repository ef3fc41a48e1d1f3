import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { ModelRouter, validateAliases } from "../../src/providers/aliases.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { startFaultUpstream, type FaultUpstream } from "../helpers/fault-upstream.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { chainEnv } from "./provider-env.ts";

describe("ModelRouter", () => {
  const router = new ModelRouter(
    [{ name: "groq", model: "llama-3.1-8b" }, { name: "openai", fallbackModel: "gpt-4o-mini" }, { name: "local" }],
    {
      fast: ["groq/llama-3.1-8b", "openai/gpt-4o-mini"],
      smart: "openai/gpt-4o",
      best: "smart",
      cheap: ["gpt-4o-mini"],
    },
    "default-model",
  );

  test("a single-model alias resolves to its model (shared cache); a chain alias keeps its name", () => {
    expect(router.resolve("smart")).toBe("openai/gpt-4o");
    expect(router.resolve("best")).toBe("openai/gpt-4o");
    expect(router.resolve("fast")).toBe("fast");
    expect(router.resolve("gpt-4o")).toBe("gpt-4o");
    expect(router.resolve("")).toBe("default-model");
  });

  test("chain aliases route through their list in order", () => {
    expect(router.targets("fast")).toEqual([
      { provider: "groq", model: "llama-3.1-8b" },
      { provider: "openai", model: "gpt-4o-mini" },
    ]);
  });

  test("provider/model pins one provider; a plain model goes through the default chain", () => {
    expect(router.targets("openai/gpt-4o")).toEqual([{ provider: "openai", model: "gpt-4o" }]);
    expect(router.targets("mixtral")).toEqual([
      { provider: "groq", model: "mixtral" },
      { provider: "openai", model: "gpt-4o-mini" },
      { provider: "local", model: "mixtral" },
    ]);
    // an unknown prefix is part of the model name (OpenRouter style)
    expect(router.targets("meta-llama/llama-3")[0]).toEqual({ provider: "groq", model: "meta-llama/llama-3" });
  });

  test("a chain entry without a provider expands to the default chain", () => {
    expect(router.targets("cheap").map((t) => t.provider)).toEqual(["groq", "openai", "local"]);
  });

  test("bad alias tables are refused", () => {
    expect(validateAliases({ fast: [] })).toContain("aliases.fast");
    expect(validateAliases({ loop: "loop" })).toContain("not to point at itself");
    expect(validateAliases(["x"])).toContain("a table");
    expect(validateAliases({ ok: "m", also: ["p/m"] })).toBeUndefined();
  });
});

describe("aliases through the gateway", () => {
  let a: FaultUpstream;
  let b: FaultUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    a = await startFaultUpstream("a");
    b = await startFaultUpstream("b");
    gateway = await startTestGateway(
      chainEnv([a, b], { ISARTOR__ALIASES: JSON.stringify({ fast: ["b/b-small", "a/a-small"], smart: "a/a-large" }) }),
    );
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused", maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.stop();
    await a.stop();
    await b.stop();
  });

  test("a chain alias goes to its first target with that target's model, then falls back to the next", async () => {
    const first = await client.chat.completions.create({ model: "fast", messages: [{ role: "user", content: "alias one" }] }).withResponse();
    expect(first.response.headers.get("x-isartor-provider")).toBe("b");
    expect(b.requests.at(-1)!.body.model).toBe("b-small");

    b.otherwise = { kind: "status", status: 503 };
    const second = await client.chat.completions.create({ model: "fast", messages: [{ role: "user", content: "alias two" }] }).withResponse();
    b.otherwise = { kind: "ok" };
    expect(second.response.headers.get("x-isartor-provider")).toBe("a");
    expect(a.requests.at(-1)!.body.model).toBe("a-small");
  });

  test("a single-model alias and its model share one cache entry", async () => {
    const before = a.requests.length;
    const viaAlias = await client.chat.completions.create({ model: "smart", messages: [{ role: "user", content: "shared" }] }).withResponse();
    expect(a.requests.at(-1)!.body.model).toBe("a-large");
    expect(viaAlias.response.headers.get("x-isartor-layer")).toBe("l3");
    const direct = await client.chat.completions.create({ model: "a/a-large", messages: [{ role: "user", content: "shared" }] }).withResponse();
    expect(direct.response.headers.get("x-isartor-layer")).toBe("l1a");
    expect(a.requests.length).toBe(before + 1);
  });
});
