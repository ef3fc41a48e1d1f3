// The single L3 provider described by the flat ISARTOR__LLM_PROVIDER / EXTERNAL_LLM_* settings.
import type { Config } from "../config/types.ts";
import { OpenAICompatibleClient } from "./openai-compatible.ts";
import type { ProviderClient } from "./provider.ts";

const KNOWN_BASE_URLS: Record<string, string> = {
  openai: "https://api.openai.com/v1",
  xai: "https://api.x.ai/v1",
  groq: "https://api.groq.com/openai/v1",
  mistral: "https://api.mistral.ai/v1",
  deepseek: "https://api.deepseek.com/v1",
  openrouter: "https://openrouter.ai/api/v1",
  together: "https://api.together.xyz/v1",
  ollama: "http://127.0.0.1:11434/v1",
};

/** undefined when nothing usable is configured (no key and no explicit base URL). */
export function createDefaultProvider(config: Config): ProviderClient | undefined {
  const baseUrl = config.external_llm_base_url || KNOWN_BASE_URLS[config.llm_provider];
  if (!baseUrl) return undefined;
  if (!config.external_llm_api_key && !config.external_llm_base_url) return undefined;
  return new OpenAICompatibleClient({
    name: config.llm_provider,
    baseUrl,
    apiKey: config.external_llm_api_key || undefined,
    timeoutMs: config.external_llm_timeout_secs * 1000,
  });
}
