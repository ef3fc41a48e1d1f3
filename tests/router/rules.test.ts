// Rules and the matrix shorthand: ordering and wildcards, the confidence threshold, and the
// configuration checks (TOML shape, labels and targets against the artifact and the providers).
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config/load.ts";
import type { RouterArtifact } from "../../src/router/artifact.ts";
import type { Classification } from "../../src/router/classify.ts";
import { matchRule, rulesFromConfig, rulesFromMatrix } from "../../src/router/rules.ts";
import { configuredEncoderId, routerSetup } from "../../src/router/setup.ts";

/** defaults plus the given ISARTOR__* variables, never reading the user's files */
function testConfig(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "isartor-cfg-"));
  return loadConfig({ env, cwd: dir, home: dir }).config;
}

const sure = (label: string) => ({ label, confidence: 0.9 });
const c = (task: string, complexity: string, confidence = 0.9): Classification => ({ task_type: { label: task, confidence }, complexity: { label: complexity, confidence } });

const MATRIX = {
  default: { default: "a/fallback", code: "a/coder" },
  complex: { default: "b/big", code: "b/big-coder" },
  simple: { default: "local" },
};

describe("matrix shorthand", () => {
  const rules = rulesFromMatrix(MATRIX);
  const pick = (cls: Classification) => matchRule(rules, cls, 0.5)?.name;

  test("exact cell, then the complexity row's default, then the task_type column's default, then default/default", () => {
    expect(pick(c("code", "complex"))).toBe("matrix[complex][code]");
    expect(pick(c("writing", "complex"))).toBe("matrix[complex][default]");
    // simple has no code cell: the row default beats the column default
    expect(pick(c("code", "simple"))).toBe("matrix[simple][default]");
    expect(pick(c("code", "medium"))).toBe("matrix[default][code]");
    expect(pick(c("writing", "medium"))).toBe("matrix[default][default]");
    expect(matchRule(rules, c("code", "complex"), 0.5)!.target).toBe("b/big-coder");
  });

  test("a head below min_confidence matches no condition on it, only cells that do not name it", () => {
    expect(pick(c("code", "complex", 0.4))).toBe("matrix[default][default]");
    const mixed: Classification = { task_type: sure("code"), complexity: { label: "complex", confidence: 0.3 } };
    expect(pick(mixed)).toBe("matrix[default][code]");
  });

  test("explicit rules come first, in order; lists match any of their labels; no match is undefined", () => {
    const explicit = rulesFromConfig([
      { name: "support", domain: "support", target: "local" },
      { task_type: ["math", "code"], complexity: "complex", persona: "developer", target: "b/reasoner", skip_layers: ["l1b"] },
    ]);
    const all = [...explicit, ...rulesFromMatrix({ complex: { code: "b/big-coder" } })];
    const dev: Classification = { ...c("math", "complex"), persona: sure("developer") };
    expect(matchRule(all, dev, 0.5)).toMatchObject({ name: "rules[1]", target: "b/reasoner", skip: ["l1b"] });
    expect(matchRule(all, { ...dev, domain: sure("support") }, 0.5)!.name).toBe("support");
    expect(matchRule(all, c("code", "complex"), 0.5)!.name).toBe("matrix[complex][code]");
    expect(matchRule(all, c("writing", "simple"), 0.5)).toBeUndefined();
  });
});

function writeArtifact(encoder = "keyword-test-encoder"): string {
  const dir = mkdtempSync(join(tmpdir(), "isartor-rules-"));
  const artifact: RouterArtifact = {
    format: "isartor-router-heads",
    version: 1,
    encoder,
    dim: 2,
    heads: {
      task_type: { labels: ["code", "writing"], weights: [[1, 0], [0, 1]], bias: [0, 0] },
      complexity: { labels: ["complex", "simple"], weights: [[1, 0], [0, 1]], bias: [0, 0] },
    },
  };
  const path = join(dir, "heads.json");
  writeFileSync(path, JSON.stringify(artifact));
  return path;
}

const ENV = { providers: ["a", "b"], encoder: "keyword-test-encoder" };
const routed = (env: Record<string, string>) => testConfig({ ISARTOR__CLASSIFIER_ROUTING__ENABLED: "true", ISARTOR__CLASSIFIER_ROUTING__ARTIFACT_PATH: writeArtifact(), ...env });

describe("configuration", () => {
  test("off by default: no artifact is shipped or needed", () => {
    expect(routerSetup(testConfig(), ENV)).toBeUndefined();
  });

  test("TOML: [[classifier_routing.rules]] and [classifier_routing.matrix] subtables load as written", () => {
    const dir = mkdtempSync(join(tmpdir(), "isartor-toml-"));
    writeFileSync(
      join(dir, "isartor.toml"),
      `[classifier_routing]
enabled = true
artifact_path = ${JSON.stringify(writeArtifact())}
fallback_to_existing_routing = false
min_confidence = 0.7

[[classifier_routing.rules]]
name = "hard code"
task_type = "code"
complexity = ["complex"]
target = "b/coder"

[classifier_routing.matrix]
simple = { default = "local" }

[classifier_routing.matrix.default]
default = "a/mini"
`,
    );
    const { config } = loadConfig({ env: {}, cwd: dir, home: dir });
    expect(config.classifier_routing.matrix).toEqual({ simple: { default: "local" }, default: { default: "a/mini" } });
    const setup = routerSetup(config, ENV)!;
    expect(setup.fallback).toBe(false);
    expect(setup.minConfidence).toBe(0.7);
    expect(setup.rules.map((r) => `${r.name} → ${r.target}`)).toEqual(["hard code → b/coder", "matrix[simple][default] → local", "matrix[default][default] → a/mini"]);
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ["rule with an unknown key", { ISARTOR__CLASSIFIER_ROUTING__RULES: '[{"task_type":"code","provder":"b","target":"b/x"}]' }, /classifier_routing\.rules.*rules\[0\] to have only the keys .*found 'provder'/],
    ["rule without target", { ISARTOR__CLASSIFIER_ROUTING__RULES: '[{"task_type":"code"}]' }, /rules\[0\]\.target/],
    ["rule with an empty label list", { ISARTOR__CLASSIFIER_ROUTING__RULES: '[{"task_type":[],"target":"local"}]' }, /rules\[0\]\.task_type to be a label/],
    ["rule skipping L3", { ISARTOR__CLASSIFIER_ROUTING__RULES: '[{"target":"local","skip_layers":["l3"]}]' }, /skip_layers to be a list of l1a, l1b, l2, l2\.5/],
    ["matrix cell not a string", { ISARTOR__CLASSIFIER_ROUTING__MATRIX: '{"complex":{"code":3}}' }, /classifier_routing\.matrix\.complex\.code/],
    ["matrix row not a table", { ISARTOR__CLASSIFIER_ROUTING__MATRIX: '{"complex":"b/x"}' }, /classifier_routing\.matrix\.complex to be/],
    ["min_confidence out of range", { ISARTOR__CLASSIFIER_ROUTING__MIN_CONFIDENCE: "1.5" }, /'classifier_routing\.min_confidence'.*between 0 and 1/],
  ];
  for (const [what, env, message] of bad) {
    test(`load refuses ${what}`, () => {
      expect(() => testConfig(env)).toThrow(ConfigError);
      expect(() => testConfig(env)).toThrow(message);
    });
  }

  const startup: [string, Record<string, string>, RegExp][] = [
    ["a label the artifact lacks", { ISARTOR__CLASSIFIER_ROUTING__MATRIX: '{"complex":{"cooking":"b/x"}}' }, /matrix\[complex\]\[cooking\] names task_type label 'cooking'.*task_type labels: code, writing/],
    ["a head the artifact lacks", { ISARTOR__CLASSIFIER_ROUTING__RULES: '[{"persona":"dev","target":"b/x"}]' }, /rules\[0\] names head 'persona', which the artifact does not have/],
    ["an unknown provider", { ISARTOR__CLASSIFIER_ROUTING__MATRIX: '{"default":{"default":"antropic/claude"}}' }, /'antropic' is not a configured provider \(a, b\)/],
    ["no rules at all", {}, /needs \[\[classifier_routing\.rules\]\] or \[classifier_routing\.matrix\]/],
    ["no artifact path", { ISARTOR__CLASSIFIER_ROUTING__ARTIFACT_PATH: "", ISARTOR__CLASSIFIER_ROUTING__MATRIX: '{"default":{"default":"local"}}' }, /needs classifier_routing\.artifact_path/],
    ["a missing artifact", { ISARTOR__CLASSIFIER_ROUTING__ARTIFACT_PATH: "/nonexistent/heads.json", ISARTOR__CLASSIFIER_ROUTING__MATRIX: '{"default":{"default":"local"}}' }, /artifact_path: cannot read \/nonexistent\/heads\.json/],
  ];
  for (const [what, env, message] of startup) {
    test(`startup refuses ${what}`, () => {
      expect(() => routerSetup(routed(env), ENV)).toThrow(ConfigError);
      expect(() => routerSetup(routed(env), ENV)).toThrow(message);
    });
  }

  test("heads trained on another encoder are refused, naming both encoders", () => {
    const config = routed({ ISARTOR__CLASSIFIER_ROUTING__MATRIX: '{"default":{"default":"local"}}' });
    expect(() => routerSetup(config, { ...ENV, encoder: configuredEncoderId(config) })).toThrow(/trained on encoder 'keyword-test-encoder' but the gateway embeds with 'all-MiniLM-L6-v2'/);
    const sidecar = testConfig({ ISARTOR__EMBEDDING_SIDECAR__SIDECAR_URL: "http://127.0.0.1:9", ISARTOR__EMBEDDING_SIDECAR__MODEL_NAME: "use-lite" });
    expect(configuredEncoderId(sidecar)).toBe("use-lite");
    expect(configuredEncoderId(testConfig({ ISARTOR__EMBEDDING__MODEL_PATH: "/models/bge-small/" }))).toBe("bge-small");
  });

  test("targets may be aliases, plain model names or local", () => {
    const config = routed({ ISARTOR__ALIASES: '{"smart":"b/big"}', ISARTOR__CLASSIFIER_ROUTING__MATRIX: '{"complex":{"default":"smart"},"simple":{"code":"gpt-4o-mini"},"default":{"default":"local"}}' });
    expect(routerSetup(config, ENV)!.rules.map((r) => r.target)).toEqual(["gpt-4o-mini", "smart", "local"]);
  });
});
