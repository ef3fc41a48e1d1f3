// Profiles replace built-in defaults only; explicit settings win; every preset is a valid setting.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config/load.ts";
import { PROFILES } from "../../src/config/profiles.ts";
import { SCHEMA } from "../../src/config/schema.ts";

const isolated = (env: Record<string, string>, file?: string) => {
  const dir = mkdtempSync(join(tmpdir(), "isartor-profile-"));
  if (file) writeFileSync(join(dir, "isartor.toml"), file);
  return loadConfig({ env, cwd: dir, home: dir });
};

describe("profiles", () => {
  test("edge: small-device presets, with their source", () => {
    const { config, sources } = isolated({ ISARTOR__PROFILE: "edge" });
    expect(config.layer2.model).toBe("qwen2.5-0.5b");
    expect(config.layer2.threads).toBe(2);
    expect(config.cache_max_capacity).toBe(2000);
    expect(sources["layer2.model"]).toBe("profile:edge");
  });

  test("the file, the environment and flags beat the profile", () => {
    const { config } = isolated({ ISARTOR__CACHE_MAX_CAPACITY: "777" }, 'profile = "edge"\n[layer2]\nthreads = 4\n');
    expect(config.cache_max_capacity).toBe(777);
    expect(config.layer2.threads).toBe(4);
    expect(config.layer2.model).toBe("qwen2.5-0.5b");
    const flagged = loadConfig({ env: { ISARTOR__PROFILE: "edge" }, flags: { "layer2.model": { value: "qwen2.5-1.5b", flag: "--set layer2.model" } }, cwd: tmpdir(), home: mkdtempSync(join(tmpdir(), "h-")) });
    expect(flagged.config.layer2.model).toBe("qwen2.5-1.5b");
  });

  test("every preset names a real key with a valid value; an unknown profile names the allowed ones", () => {
    for (const [name, preset] of Object.entries(PROFILES)) for (const key of Object.keys(preset)) expect(SCHEMA[key], `${name}: ${key}`).toBeDefined();
    expect(() => isolated({ ISARTOR__PROFILE: "edge" })).not.toThrow();
    expect(() => isolated({ ISARTOR__PROFILE: "tiny" })).toThrow(ConfigError);
    expect(() => isolated({ ISARTOR__PROFILE: "tiny" })).toThrow("default | edge");
  });
});
