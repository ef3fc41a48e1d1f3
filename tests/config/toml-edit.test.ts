// In-place TOML edits: the value changes, every comment and the rest of the layout stay.
import { expect, test } from "bun:test";
import { parse } from "smol-toml";
import { editToml } from "../../src/config/toml-edit.ts";

const FILE = `# Isartor settings — hand-written
# second header line

host_port = "0.0.0.0:8080"   # where we listen
cache_ttl_secs = 300

# the local model
[layer2]
timeout_seconds = 5 # seconds
model_name = 'phi-3'

[[providers]]
name = "openai"
timeout_secs = 30

[usage]
path = "~/.isartor/usage.jsonl"
log_redact = [
  "a", # first
  "b]",
]
`;

test("a changed value keeps its line's comment and every other line", () => {
  const out = editToml(FILE, { cache_ttl_secs: 900, "layer2.timeout_seconds": 12, host_port: "127.0.0.1:9000" });
  expect(out).toBe(
    FILE.replace("cache_ttl_secs = 300", "cache_ttl_secs = 900")
      .replace("timeout_seconds = 5 # seconds", "timeout_seconds = 12 # seconds")
      .replace('host_port = "0.0.0.0:8080"   # where we listen', 'host_port = "127.0.0.1:9000"   # where we listen'),
  );
});

test("multi-line arrays and quoted strings are replaced whole", () => {
  const out = editToml(FILE, { "usage.log_redact": ["x", 'quote " and \\ back'], "layer2.model_name": "gemma" });
  const parsed = parse(out) as any;
  expect(parsed.usage.log_redact).toEqual(["x", 'quote " and \\ back']);
  expect(parsed.layer2.model_name).toBe("gemma");
  expect(out).toContain("# the local model");
  expect(out).not.toContain("# first");
});

test("keys inside [[array tables]] are never edited: the result does not parse, so the loader check refuses it", () => {
  const out = editToml(FILE, { "providers.timeout_secs": 99 });
  expect(out).toContain('name = "openai"\ntimeout_secs = 30\n');
  expect(() => parse(out)).toThrow();
});

test("a new key goes beside its siblings, under its header, or into a new table", () => {
  const out = editToml(FILE, { "layer2.max_answer_tokens": 64, "usage.max_files": 3, offline: true, "aimd.max_limit": 40 });
  const parsed = parse(out) as any;
  expect(parsed.layer2).toEqual({ timeout_seconds: 5, model_name: "phi-3", max_answer_tokens: 64 });
  expect(parsed.usage.max_files).toBe(3);
  expect(parsed.offline).toBe(true);
  expect(parsed.aimd).toEqual({ max_limit: 40 });
  // the root key lands among the root keys, before the first table
  expect(out.indexOf("offline = true")).toBeLessThan(out.indexOf("[layer2]"));
  expect(out.indexOf("max_answer_tokens = 64")).toBeLessThan(out.indexOf("[[providers]]"));
  expect(out.startsWith("# Isartor settings — hand-written\n# second header line\n")).toBe(true);
});

test("dotted keys are edited and extended in their own style", () => {
  const text = "# dotted\nlayer2.timeout_seconds = 5\n";
  const out = editToml(text, { "layer2.timeout_seconds": 6, "layer2.model_name": "m" });
  expect(out).toBe('# dotted\nlayer2.timeout_seconds = 6\nlayer2.model_name = "m"\n');
});

test("an empty file and a file without a final newline both take new keys", () => {
  expect(parse(editToml("", { "layer2.timeout_seconds": 7, offline: false }))).toEqual({ offline: false, layer2: { timeout_seconds: 7 } });
  expect(editToml("# only a comment", { offline: true })).toBe("# only a comment\noffline = true\n");
});
