// What `isartor sync` shares (ADR-025): the provider-related subset of isartor.toml and the API keys
// of the token store. OAuth tokens, caches, usage history, bind addresses and local paths stay local.
import { createHash } from "node:crypto";
import type { StoredCredential } from "../auth/token-store.ts";

export const SYNCED_CONFIG_KEYS = [
  "llm_provider",
  "external_llm_api_key",
  "external_llm_model",
  "external_llm_base_url",
  "external_llm_timeout_secs",
  "providers",
  "aliases",
  "quotas",
  "retry",
  "circuit_breaker",
  "key_cooldown_secs",
] as const;

export interface SyncBundle {
  config: Record<string, unknown>;
  keys: Record<string, StoredCredential>;
}

export function bundleFrom(table: Record<string, unknown>, credentials: Record<string, StoredCredential>): SyncBundle {
  const config: Record<string, unknown> = {};
  for (const key of SYNCED_CONFIG_KEYS) if (table[key] !== undefined) config[key] = table[key];
  const keys = Object.fromEntries(Object.entries(credentials).filter(([, c]) => c.type === "api_key"));
  return { config, keys };
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  return value;
}

/** Content hash that ignores key order and credential timestamps, to tell real edits apart. */
export function bundleHash(bundle: SyncBundle): string {
  const keys = Object.fromEntries(Object.entries(bundle.keys).map(([n, c]) => [n, c.secret]));
  return createHash("sha256").update(JSON.stringify(canonical({ config: bundle.config, keys }))).digest("hex");
}

/** The local table with the synced keys replaced by the bundle's (keys the bundle lacks are removed). */
export function mergeInto(table: Record<string, unknown>, bundle: SyncBundle): Record<string, unknown> {
  const merged = { ...table };
  for (const key of SYNCED_CONFIG_KEYS) delete merged[key];
  return { ...merged, ...bundle.config };
}
