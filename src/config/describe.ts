// Renders the effective configuration for `isartor check`: every key, its value (secrets masked)
// and where the value came from.
import { configuredSecrets, REDACTED } from "../telemetry/redact.ts";
import { SCHEMA, envNameFor } from "./schema.ts";
import type { LoadedConfig } from "./types.ts";

/** A set secret shows only that it is set: no characters of it, not even its length. */
export function maskSecret(value: string): string {
  return value ? REDACTED : "";
}

/** Fields whose every string is secret: key fields, and `headers` (custom auth headers, X-Portkey-Api-Key, …). */
const SECRET_FIELDS = /^(key|keys|api_key|api_keys|secret|token|password|headers)$/i;

/** Masks the secret string fields of a structured secret value (e.g. gateway_keys[].key, providers[].headers). */
export function maskDeep(value: unknown, secretField = true): unknown {
  if (typeof value === "string") return secretField ? maskSecret(value) : value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, secretField));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, secretField || SECRET_FIELDS.test(k))]));
  }
  return value;
}

/** Deep copy with every string that equals a configured secret masked, wherever it sits. */
export function maskConfiguredSecrets(value: unknown, secrets: Set<string>): unknown {
  if (typeof value === "string") return secrets.has(value) ? REDACTED : value;
  if (Array.isArray(value)) return value.map((v) => maskConfiguredSecrets(v, secrets));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskConfiguredSecrets(v, secrets)]));
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
  const secrets = new Set(configuredSecrets(loaded.config));
  return Object.entries(SCHEMA).map(([path, spec]) => {
    const raw = valueAt(loaded.config, path);
    const shown = maskConfiguredSecrets(spec.secret ? (typeof raw === "string" ? maskSecret(raw) : maskDeep(raw, false)) : raw, secrets);
    return {
      key: path,
      env: envNameFor(path),
      value: typeof shown === "string" ? shown : JSON.stringify(shown),
      source: loaded.sources[path] ?? "default",
    };
  });
}
