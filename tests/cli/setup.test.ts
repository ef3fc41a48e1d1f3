// `isartor setup`: flags for scripts, answers piped line by line, an existing file edited in place.
import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { isolatedEnv } from "../helpers/cli.ts";
import { runCliInput } from "../helpers/cli-input.ts";

describe("isartor setup", () => {
  test("--non-interactive: writes isartor.toml, the key goes to the token store only", async () => {
    const env = isolatedEnv({ ISARTOR_KEYCHAIN: "off", ANTHROPIC_API_KEY: "sk-ant-setup-secret-999" });
    const r = await runCliInput(["setup", "--non-interactive", "--provider", "anthropic", "--key-env", "ANTHROPIC_API_KEY", "--cache-mode", "exact", "--gateway-key", "generate"], env);
    expect(r.code).toBe(0);
    expect(r.all).not.toContain("sk-ant-setup-secret-999");
    const path = join(env.HOME!, ".isartor", "isartor.toml");
    const text = readFileSync(path, "utf8");
    expect(text).not.toContain("sk-ant-setup-secret-999");
    expect(r.all).not.toMatch(/isk-[A-Za-z0-9_-]{20,}/);
    const { config } = loadConfig({ configPath: path, env: {} });
    expect(config.llm_provider).toBe("anthropic");
    expect(config.cache_mode).toBe("exact");
    expect(config.gateway_api_key).toMatch(/^isk-/);
    const status = JSON.parse((await runCliInput(["auth", "status", "--json"], env)).stdout);
    expect(status.credentials[0]).toMatchObject({ provider: "anthropic", kind: "api_key" });
  });

  test("answers piped one per line drive the wizard; an existing file keeps its comments", async () => {
    const env = isolatedEnv({ ISARTOR_KEYCHAIN: "off" });
    const path = join(env.HOME!, ".isartor", "isartor.toml");
    mkdirSync(join(env.HOME!, ".isartor"), { recursive: true });
    writeFileSync(path, '# team settings — keep me\nlog_level = "warn" # quiet\n');
    // provider, model, key, cache mode, gateway key?, pull models?
    const r = await runCliInput(["setup"], env, "groq\nllama-3.1-8b-instant\ngsk-piped-key-123456\nboth\nn\nn\n");
    expect(r.code).toBe(0);
    expect(r.all).not.toContain("gsk-piped-key-123456");
    const text = readFileSync(path, "utf8");
    expect(text).toContain("# team settings — keep me");
    expect(text).toContain('log_level = "warn" # quiet');
    const { config } = loadConfig({ configPath: path, env: {} });
    expect(config).toMatchObject({ llm_provider: "groq", external_llm_model: "llama-3.1-8b-instant", cache_mode: "both", gateway_api_key: "" });
  });

  test("mistakes are usage errors without stack traces", async () => {
    const env = isolatedEnv({ ISARTOR_KEYCHAIN: "off" });
    const unknown = await runCliInput(["setup", "--non-interactive", "--provider", "nope"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown provider 'nope'");
    const mode = await runCliInput(["setup", "--non-interactive", "--provider", "ollama", "--cache-mode", "fuzzy"], env);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain("--cache-mode");
    const custom = await runCliInput(["setup", "--non-interactive", "--provider", "custom"], env);
    expect(custom.code).toBe(2);
    expect(custom.stderr).toContain("--base-url");
    expect(unknown.stderr + mode.stderr + custom.stderr).not.toContain("    at ");
  });
});
