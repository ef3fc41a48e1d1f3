// Builds the effective configuration: defaults ← isartor.toml ← environment ← CLI flags.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { PROFILES } from "./profiles.ts";
import { SCHEMA, envNameFor, type FieldSpec } from "./schema.ts";
import type { Config, LoadedConfig } from "./types.ts";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export interface LoadOptions {
  /** explicit --config path */
  configPath?: string;
  /** CLI overrides as dotted path → raw value, with the flag that set it */
  flags?: Record<string, { value: unknown; flag: string }>;
  env?: Record<string, string | undefined>;
  cwd?: string;
  home?: string;
}

export function findConfigFile(opts: LoadOptions): string | undefined {
  const env = opts.env ?? process.env;
  const explicit = opts.configPath ?? env.ISARTOR_CONFIG;
  if (explicit) {
    const path = resolve(opts.cwd ?? process.cwd(), explicit);
    if (!existsSync(path)) throw new ConfigError(`config file not found: ${path}`);
    return path;
  }
  const candidates = [
    join(opts.cwd ?? process.cwd(), "isartor.toml"),
    join(opts.home ?? homedir(), ".isartor", "isartor.toml"),
  ];
  return candidates.find((p) => existsSync(p));
}

export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const values: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  for (const [path, spec] of Object.entries(SCHEMA)) {
    values[path] = structuredClone(spec.default);
    sources[path] = "default";
  }

  const file = findConfigFile(opts);
  if (file) {
    let table: Record<string, unknown>;
    try {
      table = parseToml(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`cannot parse ${file}: ${(err as Error).message}`);
    }
    for (const [path, raw] of flattenTable(table)) {
      const spec = SCHEMA[path];
      if (!spec) throw new ConfigError(unknownKeyMessage(path, `in ${file}`));
      values[path] = coerce(path, spec, raw, `${file}`);
      sources[path] = `file:${file}`;
    }
  }

  const envNames = new Map<string, string>();
  for (const [path, spec] of Object.entries(SCHEMA)) {
    envNames.set(envNameFor(path), path);
    for (const alias of spec.envAliases ?? []) envNames.set(alias, path);
  }
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || !name.startsWith("ISARTOR")) continue;
    const path = envNames.get(name);
    if (!path) {
      if (name.startsWith("ISARTOR__")) throw new ConfigError(unknownKeyMessage(name, "in the environment"));
      continue;
    }
    values[path] = coerce(path, SCHEMA[path]!, raw, `environment variable ${name}`);
    sources[path] = `env:${name}`;
  }

  for (const [path, { value, flag }] of Object.entries(opts.flags ?? {})) {
    const spec = SCHEMA[path];
    if (!spec) throw new ConfigError(unknownKeyMessage(path, `from ${flag}`));
    values[path] = coerce(path, spec, value, `flag ${flag}`);
    sources[path] = `flag:${flag}`;
  }

  applyProfile(values, sources);
  return { config: nest(values) as unknown as Config, sources, file };
}

/** The chosen profile's presets replace the keys still at their built-in default. */
function applyProfile(values: Record<string, unknown>, sources: Record<string, string>): void {
  const name = values.profile as string;
  for (const [path, value] of Object.entries(PROFILES[name] ?? {})) {
    if (sources[path] !== "default") continue;
    values[path] = coerce(path, SCHEMA[path]!, value, `profile ${name}`);
    sources[path] = `profile:${name}`;
  }
}

function flattenTable(table: Record<string, unknown>, prefix = ""): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, value] of Object.entries(table)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const isTable = value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
    if (isTable && !SCHEMA[path]) out.push(...flattenTable(value as Record<string, unknown>, path));
    else out.push([path, value]);
  }
  return out;
}

function nest(values: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(values)) {
    const parts = path.split(".");
    let node = root;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts.at(-1)!] = value;
  }
  return root;
}

function unknownKeyMessage(key: string, where: string): string {
  const known = Object.keys(SCHEMA);
  const asPath = key.startsWith("ISARTOR__") ? key.slice(9).toLowerCase().split("__").join(".") : key;
  const close = known.filter((k) => similar(k, asPath)).slice(0, 3);
  const hint = close.length
    ? ` — did you mean ${close.map((k) => (key.startsWith("ISARTOR__") ? envNameFor(k) : k)).join(", ")}?`
    : "";
  return `unknown configuration key '${key}' ${where}${hint} (run 'isartor check' to list every key)`;
}

function similar(a: string, b: string): boolean {
  if (a.includes(b) || b.includes(a)) return true;
  const sa = new Set(a.split(/[._]/));
  return b.split(/[._]/).filter((w) => sa.has(w)).length >= 2;
}

function coerce(path: string, spec: FieldSpec, raw: unknown, where: string): unknown {
  const fail = (allowed: string): never => {
    const shown = spec.secret ? "(secret, not shown)" : JSON.stringify(raw);
    throw new ConfigError(`invalid value ${shown} for '${path}' (${where}): expected ${allowed}`);
  };
  const fromString = typeof raw === "string";
  switch (spec.type) {
    case "string":
      if (typeof raw !== "string") fail("a string");
      return raw;
    case "boolean": {
      if (typeof raw === "boolean") return raw;
      if (fromString && /^(true|1|yes|on)$/i.test(raw as string)) return true;
      if (fromString && /^(false|0|no|off)$/i.test(raw as string)) return false;
      return fail("true or false");
    }
    case "integer":
    case "number": {
      const n = typeof raw === "number" ? raw : typeof raw === "bigint" ? Number(raw) : fromString && (raw as string).trim() !== "" ? Number(raw) : NaN;
      const range = `between ${spec.min ?? "-∞"} and ${spec.max ?? "∞"}`;
      if (!Number.isFinite(n)) fail(`a number ${range}`);
      if (spec.type === "integer" && !Number.isInteger(n)) fail(`a whole number ${range}`);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) fail(`a number ${range}`);
      return n;
    }
    case "enum":
      if (typeof raw !== "string" || !spec.values!.includes(raw)) fail(`one of ${spec.values!.join(" | ")}`);
      return raw;
    case "list": {
      const list = fromString ? (raw as string).split(",").map((s) => s.trim()).filter(Boolean) : raw;
      if (!Array.isArray(list) || !list.every((v) => typeof v === "string")) fail("a list of strings");
      return list;
    }
    case "json": {
      let value = raw;
      if (fromString) {
        try {
          value = JSON.parse(raw as string);
        } catch {
          fail("JSON");
        }
      }
      const problem = spec.validate?.(value);
      if (problem) fail(problem);
      return value;
    }
  }
}
