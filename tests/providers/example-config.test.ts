// The documented example file must stay a valid configuration that means what its comments say.
import { expect, test } from "bun:test";
import { resolve } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { buildProviderChain } from "../../src/providers/client-factory.ts";

test("examples/isartor.toml loads and builds the chain it describes", async () => {
  const { config } = loadConfig({ configPath: resolve(import.meta.dir, "../../examples/isartor.toml"), env: {} });
  const setup = buildProviderChain({ ...config, usage: { ...config.usage, enabled: false }, quotas: [] }, { env: { OPENAI_API_KEY: "sk-example-000000000" } });
  try {
    expect(setup.names).toEqual(["openai", "groq", "azure-eu", "claude", "local"]);
    expect(setup.router.targets(setup.router.resolve("fast"))).toEqual([
      { provider: "groq", model: "llama-3.1-8b-instant" },
      { provider: "openai", model: "gpt-4o-mini" },
    ]);
    expect(setup.router.resolve("smart")).toBe("openai/gpt-4o");
    expect(setup.router.targets("gpt-4o").map((t) => `${t.provider}/${t.model}`)).toEqual([
      "openai/gpt-4o",
      "groq/llama-3.1-8b-instant",
      "azure-eu/gpt-4o-mini",
      "claude/claude-3-5-haiku-latest",
      "local/llama3.2",
    ]);
    const keys = Object.fromEntries(setup.status().map((s) => [s.name, `${s.keys.available}/${s.keys.total}`]));
    expect(keys).toMatchObject({ openai: "1/1", groq: "2/2", local: "1/1" });
    expect(config.quotas.map((q) => q.action)).toEqual(["fallback", "fallback", "block"]);
  } finally {
    await setup.close();
  }
});
