// Renders the effective configuration for `isartor check`: every key, its value (secrets masked)
// and where the value came from.
import { SCHEMA, envNameFor } from "./schema.ts";
import type { LoadedConfig } from "./types.ts";

export function maskSecret(value: string): string {
  if (!value) return "";
  if (value.length <= 8) return "****";
  return `${value.slice(0, 3)}…${value.slice(-2)} (${value.length} chars)`;
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
    const text = typeof raw === "string" ? raw : JSON.stringify(raw);
    return {
      key: path,
      env: envNameFor(path),
      value: spec.secret && typeof raw === "string" ? maskSecret(raw) : text,
      source: loaded.sources[path] ?? "default",
    };
  });
}
