// Known upstream vendors as data (ADR-015): adding an OpenAI-compatible vendor is one entry here.
// Prices are USD per million tokens, used for cost accounting and quotas; a `prices` table on a
// provider in isartor.toml overrides or extends them.

export type VendorProtocol = "openai" | "anthropic" | "gemini";
/** how an OpenAI-compatible vendor receives its key */
export type AuthStyle = "bearer" | "api-key";

export interface Price {
  /** USD per million input tokens */
  input: number;
  /** USD per million output tokens */
  output: number;
}

export interface VendorSpec {
  protocol: VendorProtocol;
  /** default endpoint; empty when every deployment has its own (Azure, custom) */
  baseUrl: string;
  auth: AuthStyle;
  /** false for local servers that take no key */
  keyRequired: boolean;
  /** model-list endpoint relative to baseUrl (health pings and model discovery) */
  modelsPath: string;
  /** conventional environment variable holding the vendor's key */
  keyEnv?: string;
  defaultModel: string;
  prices: Record<string, Price>;
  /** also serves the Responses API (POST /responses), so Responses callers are forwarded untranslated */
  responsesApi?: boolean;
}

const openai = (baseUrl: string, defaultModel: string, keyEnv: string, prices: Record<string, Price> = {}, extra: Partial<VendorSpec> = {}): VendorSpec => ({
  protocol: "openai",
  baseUrl,
  auth: "bearer",
  keyRequired: true,
  modelsPath: "/models",
  keyEnv,
  defaultModel,
  prices,
  ...extra,
});

const local = (baseUrl: string, defaultModel: string): VendorSpec => ({
  protocol: "openai",
  baseUrl,
  auth: "bearer",
  keyRequired: false,
  modelsPath: "/models",
  defaultModel,
  prices: {},
});

const OPENAI_PRICES: Record<string, Price> = {
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1": { input: 2, output: 8 },
  "o3-mini": { input: 1.1, output: 4.4 },
  "o4-mini": { input: 1.1, output: 4.4 },
  "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
};

export const VENDORS: Record<string, VendorSpec> = {
  openai: openai("https://api.openai.com/v1", "gpt-4o-mini", "OPENAI_API_KEY", OPENAI_PRICES, { responsesApi: true }),
  // Azure OpenAI v1 API: https://<resource>.openai.azure.com/openai/v1, key in the api-key header
  azure: openai("", "gpt-4o-mini", "AZURE_OPENAI_API_KEY", OPENAI_PRICES, { auth: "api-key", responsesApi: true }),
  xai: openai("https://api.x.ai/v1", "grok-3-mini", "XAI_API_KEY", {
    "grok-3-mini": { input: 0.3, output: 0.5 },
    "grok-3": { input: 3, output: 15 },
    "grok-4": { input: 3, output: 15 },
  }),
  groq: openai("https://api.groq.com/openai/v1", "llama-3.1-8b-instant", "GROQ_API_KEY", {
    "llama-3.1-8b-instant": { input: 0.05, output: 0.08 },
    "llama-3.1-8b": { input: 0.05, output: 0.08 },
    "llama-3.3-70b-versatile": { input: 0.59, output: 0.79 },
  }),
  mistral: openai("https://api.mistral.ai/v1", "mistral-small-latest", "MISTRAL_API_KEY", {
    "mistral-small": { input: 0.1, output: 0.3 },
    "mistral-medium": { input: 0.4, output: 2 },
    "mistral-large": { input: 2, output: 6 },
    codestral: { input: 0.3, output: 0.9 },
  }),
  deepseek: openai("https://api.deepseek.com/v1", "deepseek-chat", "DEEPSEEK_API_KEY", {
    "deepseek-chat": { input: 0.27, output: 1.1 },
    "deepseek-reasoner": { input: 0.55, output: 2.19 },
  }),
  together: openai("https://api.together.xyz/v1", "meta-llama/Llama-3.3-70B-Instruct-Turbo", "TOGETHER_API_KEY", {
    "meta-llama/Llama-3.3-70B-Instruct-Turbo": { input: 0.88, output: 0.88 },
    "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo": { input: 0.18, output: 0.18 },
  }),
  fireworks: openai("https://api.fireworks.ai/inference/v1", "accounts/fireworks/models/llama-v3p1-8b-instruct", "FIREWORKS_API_KEY", {
    "accounts/fireworks/models/llama-v3p1-8b-instruct": { input: 0.2, output: 0.2 },
    "accounts/fireworks/models/llama-v3p3-70b-instruct": { input: 0.9, output: 0.9 },
  }),
  openrouter: openai("https://openrouter.ai/api/v1", "openai/gpt-4o-mini", "OPENROUTER_API_KEY", {
    "openai/gpt-4o-mini": { input: 0.15, output: 0.6 },
    "openai/gpt-4o": { input: 2.5, output: 10 },
  }),
  perplexity: openai("https://api.perplexity.ai", "sonar", "PERPLEXITY_API_KEY", {
    "sonar-pro": { input: 3, output: 15 },
    sonar: { input: 1, output: 1 },
  }),
  cerebras: openai("https://api.cerebras.ai/v1", "llama3.1-8b", "CEREBRAS_API_KEY", {
    "llama3.1-8b": { input: 0.1, output: 0.1 },
    "llama-3.3-70b": { input: 0.85, output: 1.2 },
  }),
  nebius: openai("https://api.studio.nebius.ai/v1", "meta-llama/Meta-Llama-3.1-8B-Instruct", "NEBIUS_API_KEY"),
  siliconflow: openai("https://api.siliconflow.cn/v1", "Qwen/Qwen2.5-7B-Instruct", "SILICONFLOW_API_KEY"),
  nvidia: openai("https://integrate.api.nvidia.com/v1", "meta/llama-3.1-8b-instruct", "NVIDIA_API_KEY"),
  chutes: openai("https://llm.chutes.ai/v1", "deepseek-ai/DeepSeek-V3-0324", "CHUTES_API_KEY"),
  galadriel: openai("https://api.galadriel.com/v1", "llama3.1", "GALADRIEL_API_KEY"),
  hyperbolic: openai("https://api.hyperbolic.xyz/v1", "meta-llama/Meta-Llama-3.1-8B-Instruct", "HYPERBOLIC_API_KEY"),
  mira: openai("https://api.mira.network/v1", "gpt-4o-mini", "MIRA_API_KEY"),
  moonshot: openai("https://api.moonshot.cn/v1", "moonshot-v1-8k", "MOONSHOT_API_KEY"),
  deepinfra: openai("https://api.deepinfra.com/v1/openai", "meta-llama/Meta-Llama-3.1-8B-Instruct", "DEEPINFRA_API_KEY"),
  cohere: openai("https://api.cohere.ai/compatibility/v1", "command-r", "COHERE_API_KEY", {
    "command-r": { input: 0.15, output: 0.6 },
    "command-r-plus": { input: 2.5, output: 10 },
  }),
  huggingface: openai("https://router.huggingface.co/v1", "meta-llama/Llama-3.1-8B-Instruct", "HF_TOKEN"),
  ollama: local("http://127.0.0.1:11434/v1", "llama3.2"),
  lmstudio: local("http://127.0.0.1:1234/v1", "local-model"),
  vllm: local("http://127.0.0.1:8000/v1", "default"),
  llamacpp: local("http://127.0.0.1:8081/v1", "default"),
  /** any other OpenAI-compatible server: base_url is required */
  custom: { ...local("", "default") },
  anthropic: {
    protocol: "anthropic",
    baseUrl: "https://api.anthropic.com/v1",
    auth: "api-key",
    keyRequired: true,
    modelsPath: "/models",
    keyEnv: "ANTHROPIC_API_KEY",
    defaultModel: "claude-3-5-haiku-latest",
    prices: {
      "claude-3-5-haiku": { input: 0.8, output: 4 },
      "claude-3-haiku": { input: 0.25, output: 1.25 },
      "claude-3-5-sonnet": { input: 3, output: 15 },
      "claude-3-7-sonnet": { input: 3, output: 15 },
      "claude-sonnet-4": { input: 3, output: 15 },
      "claude-opus-4": { input: 15, output: 75 },
    },
  },
  gemini: {
    protocol: "gemini",
    baseUrl: "https://generativelanguage.googleapis.com/v1beta",
    auth: "api-key",
    keyRequired: true,
    modelsPath: "/models",
    keyEnv: "GEMINI_API_KEY",
    defaultModel: "gemini-2.0-flash",
    prices: {
      "gemini-2.0-flash-lite": { input: 0.075, output: 0.3 },
      "gemini-2.0-flash": { input: 0.1, output: 0.4 },
      "gemini-2.5-flash": { input: 0.3, output: 2.5 },
      "gemini-2.5-pro": { input: 1.25, output: 10 },
      "gemini-1.5-flash": { input: 0.075, output: 0.3 },
      "gemini-1.5-pro": { input: 1.25, output: 5 },
    },
  },
};

export const VENDOR_IDS = Object.keys(VENDORS);

export function vendor(id: string): VendorSpec | undefined {
  return Object.hasOwn(VENDORS, id) ? VENDORS[id] : undefined;
}

/**
 * Price of a model: exact name first, then the longest table entry the name starts with, so dated
 * releases (gpt-4o-mini-2024-07-18) and "-latest" names find their family.
 */
export function priceFor(model: string, ...tables: (Record<string, Price> | undefined)[]): Price | undefined {
  for (const table of tables) {
    if (!table) continue;
    if (Object.hasOwn(table, model)) return table[model];
    const prefix = Object.keys(table)
      .filter((k) => model.startsWith(k))
      .sort((a, b) => b.length - a.length)[0];
    if (prefix) return table[prefix];
  }
  return undefined;
}

export function costUsd(price: Price | undefined, inputTokens: number, outputTokens: number): number {
  if (!price) return 0;
  return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
}

/** One `[[providers]]` table of isartor.toml (or one element of ISARTOR__PROVIDERS as JSON). */
export interface ProviderEntry {
  /** unique name used in routes ("name/model"), headers, usage and quotas */
  name: string;
  /** registry id; defaults to `name` when that is a known vendor, otherwise "custom" */
  vendor?: string;
  base_url?: string;
  api_key?: string;
  /** a key pool: several keys rotated per call */
  api_keys?: string[];
  /** environment variable holding the key (read at startup; keeps secrets out of the file) */
  api_key_env?: string;
  key_strategy?: "round_robin" | "priority";
  /** model used when a request names none; also listed by /v1/models */
  model?: string;
  /** further models listed by /v1/models */
  models?: string[];
  /** model sent when this provider serves as a fallback in the default chain (default: the requested model) */
  fallback_model?: string;
  timeout_secs?: number;
  /** retries on this provider before falling back (default retry.max_retries) */
  max_retries?: number;
  headers?: Record<string, string>;
  prices?: Record<string, Price>;
}

const ENTRY_KEYS: Record<keyof ProviderEntry, "string" | "strings" | "number" | "table"> = {
  name: "string",
  vendor: "string",
  base_url: "string",
  api_key: "string",
  api_keys: "strings",
  api_key_env: "string",
  key_strategy: "string",
  model: "string",
  models: "strings",
  fallback_model: "string",
  timeout_secs: "number",
  max_retries: "number",
  headers: "table",
  prices: "table",
};

export function vendorIdOf(entry: ProviderEntry): string {
  return entry.vendor ?? (vendor(entry.name) ? entry.name : "custom");
}

/** Validates the `providers` setting; returns a message naming the bad field, or undefined. */
export function validateProviderEntries(value: unknown): string | undefined {
  if (!Array.isArray(value)) return "a list of provider tables ([[providers]])";
  const seen = new Set<string>();
  for (const [i, raw] of value.entries()) {
    const at = `providers[${i}]`;
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) return `${at} to be a table`;
    const entry = raw as Record<string, unknown>;
    for (const [key, v] of Object.entries(entry)) {
      const kind = ENTRY_KEYS[key as keyof ProviderEntry];
      if (!kind) return `${at} to have only the keys ${Object.keys(ENTRY_KEYS).join(", ")} (got '${key}')`;
      const ok =
        kind === "string" ? typeof v === "string"
        : kind === "number" ? typeof v === "number" && Number.isFinite(v) && v >= 0
        : kind === "strings" ? Array.isArray(v) && v.every((s) => typeof s === "string")
        : v !== null && typeof v === "object" && !Array.isArray(v);
      if (!ok) return `${at}.${key} to be ${kind === "strings" ? "a list of strings" : kind === "table" ? "a table" : `a ${kind}${kind === "number" ? " ≥ 0" : ""}`}`;
    }
    if (typeof entry.name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(entry.name)) return `${at}.name to be a name of letters, digits, '.', '_' or '-'`;
    if (seen.has(entry.name)) return `provider names to be unique ('${entry.name}' appears twice)`;
    seen.add(entry.name);
    const id = vendorIdOf(entry as unknown as ProviderEntry);
    const spec = vendor(id);
    if (!spec) return `${at}.vendor to be one of ${VENDOR_IDS.join(" | ")} (got '${id}')`;
    if (!spec.baseUrl && !entry.base_url) return `${at}.base_url to be set (vendor '${id}' has no default endpoint)`;
    if (entry.key_strategy !== undefined && entry.key_strategy !== "round_robin" && entry.key_strategy !== "priority") {
      return `${at}.key_strategy to be round_robin | priority`;
    }
    for (const [model, price] of Object.entries((entry.prices as Record<string, unknown>) ?? {})) {
      const p = price as Record<string, unknown>;
      if (!p || typeof p.input !== "number" || typeof p.output !== "number") return `${at}.prices.${model} to be { input = <USD per 1M>, output = <USD per 1M> }`;
    }
  }
  return undefined;
}
