// The effective configuration, shaped as the TOML file is. Keep in step with schema.ts.

export interface Config {
  host_port: string;
  gateway_api_key: string;
  max_body_bytes: number;
  request_timeout_secs: number;
  shutdown_grace_secs: number;
  offline: boolean;
  log_level: "debug" | "info" | "warn" | "error";

  cache_mode: "exact" | "semantic" | "both";
  cache_backend: "memory" | "redis";
  redis_url: string;
  cache_ttl_secs: number;
  cache_max_capacity: number;
  similarity_threshold: number;

  router_backend: "embedded" | "vllm";
  vllm_url: string;
  vllm_model: string;
  inference_engine: "embedded" | "sidecar";
  hf_cache_dir: string;

  llm_provider: string;
  external_llm_api_key: string;
  external_llm_model: string;
  external_llm_base_url: string;
  external_llm_timeout_secs: number;

  enable_monitoring: boolean;
  otel_exporter_endpoint: string;

  layer2: {
    sidecar_url: string;
    model_name: string;
    timeout_seconds: number;
    max_answer_tokens: number;
    classifier_mode: "tiered" | "binary";
  };
  embedding_sidecar: {
    sidecar_url: string;
    model_name: string;
    timeout_seconds: number;
  };
}

/** Where each effective value came from: "default", "file:<path>", "env:<NAME>" or "flag:<--name>". */
export type ConfigSources = Record<string, string>;

export interface LoadedConfig {
  config: Config;
  sources: ConfigSources;
  file?: string;
}
