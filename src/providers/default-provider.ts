// The L3 providers a configuration describes: the `providers` list when given, otherwise the single
// provider of the flat shorthand (ISARTOR__LLM_PROVIDER / EXTERNAL_LLM_API_KEY / _MODEL / _BASE_URL).
import type { Config } from "../config/types.ts";
import { vendor, type ProviderEntry } from "./registry.ts";

/** The flat shorthand as a provider entry; undefined when it names nothing usable (no key, no URL). */
export function shorthandProvider(config: Config): ProviderEntry | undefined {
  const name = config.llm_provider.trim() || "openai";
  const spec = vendor(name);
  const baseUrl = config.external_llm_base_url || spec?.baseUrl;
  if (!baseUrl) return undefined;
  if (!config.external_llm_api_key && !config.external_llm_base_url) return undefined;
  return {
    name,
    vendor: spec ? name : "custom",
    ...(config.external_llm_base_url ? { base_url: config.external_llm_base_url } : {}),
    ...(config.external_llm_api_key ? { api_key: config.external_llm_api_key } : {}),
    model: config.external_llm_model,
    timeout_secs: config.external_llm_timeout_secs,
  };
}

export function effectiveProviders(config: Config): ProviderEntry[] {
  if (config.providers.length) return config.providers;
  const single = shorthandProvider(config);
  return single ? [single] : [];
}

/** The model used when a request names none. */
export function defaultModel(config: Config): string {
  const first = config.providers[0];
  return first?.model || config.external_llm_model;
}
