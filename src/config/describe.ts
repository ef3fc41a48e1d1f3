// Renders the effective configuration for `isartor check`: every key, its value (secrets masked)
// and where the value came from.
import { SCHEMA, envNameFor } from "./schema.ts";
import type { LoadedConfig } from "./types.ts";

export function maskSecret(value: string): string {
  if (!value) return "";
  if (value.length <= 8) return "****";
  return `${value.slice(0, 3)}…${value.slice(-2)} (${value.length} chars)`;
}

/** Masks the secret-looking string fields of a structured secret value (e.g. gateway_keys[].key). */
export function maskDeep(value: unknown, secretField = true): unknown {
  if (typeof value === "string") return secretField ? maskSecret(value) : value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, secretField));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, /^(key|keys|api_key|api_keys|secret|token|password)$/i.test(k))]));
  }
  return value;
}

function valueAt(config: object, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], config);
}

export interface ConfigRow {
  key: string;
  env: string;
  value: string;
  source: string;
}

export function describeConfig(loaded: LoadedConfig): ConfigRow[] {
  return Object.entries(SCHEMA).map(([path, spec]) => {
    const raw = valueAt(loaded.config, path);
    const shown = spec.secret ? (typeof raw === "string" ? maskSecret(raw) : maskDeep(raw, false)) : raw;
    return {
      key: path,
      env: envNameFor(path),
      value: typeof shown === "string" ? shown : JSON.stringify(shown),
      source: loaded.sources[path] ?? "default",
    };
  });
}
