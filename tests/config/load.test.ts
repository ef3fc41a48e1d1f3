import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config/load.ts";
import { describeConfig } from "../../src/config/describe.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "isartor-cfg-test-"));

describe("config precedence: defaults ← file ← env ← flags", () => {
  test("defaults apply with no file", () => {
    const dir = tmp();
    const { config, sources, file } = loadConfig({ env: {}, cwd: dir, home: dir });
    expect(file).toBeUndefined();
    expect(config.host_port).toBe("0.0.0.0:8080");
    expect(config.cache_ttl_secs).toBe(300);
    expect(config.cache_max_capacity).toBe(10000);
    expect(config.similarity_threshold).toBe(0.85);
    expect(config.layer2.timeout_seconds).toBe(30);
    expect(sources.cache_ttl_secs).toBe("default");
  });

  test("file overrides defaults, env overrides file, flags override env", () => {
    const dir = tmp();
    writeFileSync(join(dir, "isartor.toml"), `cache_ttl_secs = 60\ncache_mode = "exact"\n[layer2]\ntimeout_seconds = 9\n`);
    const fileOnly = loadConfig({ env: {}, cwd: dir, home: dir });
    expect(fileOnly.config.cache_ttl_secs).toBe(60);
    expect(fileOnly.config.layer2.timeout_seconds).toBe(9);
    expect(fileOnly.sources.cache_ttl_secs).toBe(`file:${join(dir, "isartor.toml")}`);

    const withEnv = loadConfig({ env: { ISARTOR__CACHE_TTL_SECS: "120", ISARTOR__LAYER2__TIMEOUT_SECONDS: "3" }, cwd: dir, home: dir });
    expect(withEnv.config.cache_ttl_secs).toBe(120);
    expect(withEnv.config.layer2.timeout_seconds).toBe(3);
    expect(withEnv.config.cache_mode).toBe("exact");
    expect(withEnv.sources.cache_ttl_secs).toBe("env:ISARTOR__CACHE_TTL_SECS");

    const withFlag = loadConfig({
      env: { ISARTOR__CACHE_TTL_SECS: "120" },
      cwd: dir,
      home: dir,
      flags: { cache_ttl_secs: { value: "5", flag: "--set cache_ttl_secs" } },
    });
    expect(withFlag.config.cache_ttl_secs).toBe(5);
    expect(withFlag.sources.cache_ttl_secs).toBe("flag:--set cache_ttl_secs");
  });

  test("file is found via ISARTOR_CONFIG, then ./isartor.toml, then ~/.isartor/isartor.toml", () => {
    const home = tmp();
    mkdirSync(join(home, ".isartor"));
    writeFileSync(join(home, ".isartor", "isartor.toml"), `cache_ttl_secs = 1\n`);
    const cwd = tmp();
    expect(loadConfig({ env: {}, cwd, home }).config.cache_ttl_secs).toBe(1);
    writeFileSync(join(cwd, "isartor.toml"), `cache_ttl_secs = 2\n`);
    expect(loadConfig({ env: {}, cwd, home }).config.cache_ttl_secs).toBe(2);
    const explicit = join(tmp(), "x.toml");
    writeFileSync(explicit, `cache_ttl_secs = 3\n`);
    expect(loadConfig({ env: { ISARTOR_CONFIG: explicit }, cwd, home }).config.cache_ttl_secs).toBe(3);
    expect(() => loadConfig({ configPath: "/nope/missing.toml", env: {}, cwd, home })).toThrow(/config file not found/);
  });

  test("ISARTOR_HF_CACHE_DIR sets hf_cache_dir", () => {
    const dir = tmp();
    expect(loadConfig({ env: { ISARTOR_HF_CACHE_DIR: "/models" }, cwd: dir, home: dir }).config.hf_cache_dir).toBe("/models");
  });
});

describe("validation names the key and the allowed values", () => {
  const dir = tmp();
  const load = (env: Record<string, string>) => () => loadConfig({ env, cwd: dir, home: dir });

  test("bad enum", () => {
    expect(load({ ISARTOR__CACHE_MODE: "fuzzy" })).toThrow(ConfigError);
    expect(load({ ISARTOR__CACHE_MODE: "fuzzy" })).toThrow(/'cache_mode'.*exact \| semantic \| both/);
  });
  test("bad number and out of range", () => {
    expect(load({ ISARTOR__CACHE_TTL_SECS: "soon" })).toThrow(/'cache_ttl_secs'.*number/);
    expect(load({ ISARTOR__SIMILARITY_THRESHOLD: "1.5" })).toThrow(/'similarity_threshold'.*between 0 and 1/);
    expect(load({ ISARTOR__CACHE_MAX_CAPACITY: "2.5" })).toThrow(/whole number/);
  });
  test("bad boolean", () => {
    expect(load({ ISARTOR__ENABLE_MONITORING: "maybe" })).toThrow(/'enable_monitoring'.*true or false/);
  });
  test("unknown env key, with a suggestion", () => {
    expect(load({ ISARTOR__CACHE_TTL: "5" })).toThrow(/unknown configuration key 'ISARTOR__CACHE_TTL'.*ISARTOR__CACHE_TTL_SECS/);
  });
  test("unknown and mistyped keys in the file", () => {
    const d = tmp();
    writeFileSync(join(d, "isartor.toml"), `cache_tll_secs = 5\n`);
    expect(() => loadConfig({ env: {}, cwd: d, home: d })).toThrow(/unknown configuration key 'cache_tll_secs'/);
    writeFileSync(join(d, "isartor.toml"), `cache_ttl_secs = "five"\n`);
    expect(() => loadConfig({ env: {}, cwd: d, home: d })).toThrow(/'cache_ttl_secs'/);
    writeFileSync(join(d, "isartor.toml"), `[layer2]\nbogus = 1\n`);
    expect(() => loadConfig({ env: {}, cwd: d, home: d })).toThrow(/'layer2.bogus'/);
    writeFileSync(join(d, "isartor.toml"), `this is = not toml`);
    expect(() => loadConfig({ env: {}, cwd: d, home: d })).toThrow(/cannot parse/);
  });
});

test("describeConfig masks secrets and reports sources", () => {
  const dir = tmp();
  const loaded = loadConfig({ env: { ISARTOR__EXTERNAL_LLM_API_KEY: "sk-verysecretvalue123" }, cwd: dir, home: dir });
  const rows = describeConfig(loaded);
  const key = rows.find((r) => r.key === "external_llm_api_key")!;
  expect(key.value).not.toContain("verysecret");
  expect(key.source).toBe("env:ISARTOR__EXTERNAL_LLM_API_KEY");
  expect(JSON.stringify(rows)).not.toContain("sk-verysecretvalue123");
});

test("structured secrets are masked in check output and never echoed in validation errors", () => {
  const dir = tmp();
  const keys = JSON.stringify([{ id: "team-a", key: "gk-supersecretvalue-123", tenant: "a" }]);
  const rows = describeConfig(loadConfig({ env: { ISARTOR__GATEWAY_KEYS: keys }, cwd: dir, home: dir }));
  const row = rows.find((r) => r.key === "gateway_keys")!;
  expect(row.value).toContain("team-a");
  expect(row.value).not.toContain("gk-supersecretvalue-123");
  let message = "";
  try {
    loadConfig({ env: { ISARTOR__EXTERNAL_LLM_API_KEY: "x", ISARTOR__GATEWAY_KEYS: '[{"key":"gk-leakme-999999"}]' }, cwd: dir, home: dir });
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toContain("gateway_keys");
  expect(message).not.toContain("gk-leakme-999999");
});
