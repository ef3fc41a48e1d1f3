// Fills provider keys the configuration leaves empty from the encrypted token store, so
// `isartor set-key openai` is all a user needs; configured keys (file, env, flags) always win.
import { existsSync } from "node:fs";
import type { LoadedConfig } from "../config/types.ts";
import { TokenStore, tokenStorePath } from "./token-store.ts";

function hasKey(entry: { api_key?: string; api_keys?: string[]; api_key_env?: string }, env: Record<string, string | undefined>): boolean {
  return Boolean(entry.api_key || entry.api_keys?.length || (entry.api_key_env && env[entry.api_key_env]));
}

/** Returns the providers whose key came from the store; `warn` hears why the store could not be read. */
export function applyStoredKeys(loaded: LoadedConfig, warn: (message: string) => void = () => {}, env = process.env): string[] {
  if (!existsSync(tokenStorePath())) return [];
  let store: TokenStore;
  try {
    store = TokenStore.open();
  } catch (err) {
    warn(`token store not used: ${(err as Error).message}`);
    return [];
  }
  const { config, sources } = loaded;
  const used: string[] = [];
  if (config.providers.length) {
    config.providers = config.providers.map((entry) => {
      if (hasKey(entry, env)) return entry;
      const cred = store.get(entry.name) ?? (entry.vendor ? store.get(entry.vendor) : undefined);
      if (!cred) return entry;
      used.push(entry.name);
      return { ...entry, api_key: cred.secret };
    });
    if (used.length) sources.providers = `${sources.providers} + token-store`;
  } else if (!config.external_llm_api_key) {
    const name = config.llm_provider.trim() || "openai";
    const cred = store.get(name);
    if (cred) {
      config.external_llm_api_key = cred.secret;
      sources.external_llm_api_key = "token-store";
      used.push(name);
    }
  }
  return used;
}
