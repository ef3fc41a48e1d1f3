import type { GatewayKeyConfig } from "../guard/gateway-key-config.ts";
import type { ProviderEntry } from "../providers/registry.ts";
import type { QuotaRule } from "../providers/quotas.ts";
import type { MatrixConfig, RuleConfig } from "../router/rules.ts";

// The effective configuration, shaped as the TOML file is. Keep in step with schema.ts.

export interface Config {
  profile: "default" | "edge";
  host_port: string;
  gateway_api_key: string;
  max_body_bytes: number;
  request_timeout_secs: number;
  shutdown_grace_secs: number;
  offline: boolean;
  log_level: "debug" | "info" | "warn" | "error";

  gateway_keys: GatewayKeyConfig[];
  admin_api_key: string;
  rate_limit_requests_per_minute: number;
  rate_limit_tokens_per_minute: number;
  max_json_depth: number;
  body_read_timeout_secs: number;
  log_redact_patterns: string[];

  context_optimizer: {
    enabled: boolean;
    dedup: boolean;
    log_crunch: boolean;
    minify: boolean;
    min_block_chars: number;
    min_request_chars: number;
    max_log_lines: number;
  };
  aimd: {
    enabled: boolean;
    initial_limit: number;
    min_limit: number;
    max_limit: number;
    target_latency_ms: number;
    max_queue: number;
    queue_timeout_ms: number;
  };
  /** L0.5 router (ADR-027); see docs/router.md */
  classifier_routing: {
    enabled: boolean;
    artifact_path: string;
    fallback_to_existing_routing: boolean;
    min_confidence: number;
    timeout_ms: number;
    max_context_chars: number;
    rules: RuleConfig[];
    matrix: MatrixConfig;
  };

  cache_mode: "exact" | "semantic" | "both";
  cache_backend: "memory" | "redis";
  redis_url: string;
  redis: {
    key_prefix: string;
    sentinels: string[];
    sentinel_name: string;
    cluster_nodes: string[];
    command_timeout_ms: number;
    connect_timeout_ms: number;
    vector_search: "auto" | "replica";
  };
  cache_ttl_secs: number;
  cache_max_capacity: number;
  cache_max_bytes: number;
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

  /** L3 providers in fallback order; empty = the single provider described by llm_provider / external_llm_* */
  providers: ProviderEntry[];
  /** model aliases: alias → "model", "provider/model", or an ordered fallback list of those */
  aliases: Record<string, string | string[]>;
  quotas: QuotaRule[];
  usage: { enabled: boolean; path: string; max_file_bytes: number; max_files: number };
  retry: { max_retries: number; base_delay_ms: number; max_delay_ms: number };
  circuit_breaker: { failure_threshold: number; cooldown_secs: number };
  key_cooldown_secs: number;
  max_retry_after_secs: number;
  max_upstream_response_bytes: number;
  upstream_max_connections: number;
  provider_health_check_interval_secs: number;

  enable_monitoring: boolean;
  otel_exporter_endpoint: string;
  metrics: { enabled: boolean; listen: string; export_interval_secs: number };
  /** recent Responses API answers kept for previous_response_id */
  responses: { history_max_entries: number; history_ttl_secs: number; history_max_bytes: number };
  request_log: { enabled: boolean; path: string; include_bodies: boolean; max_file_bytes: number; max_files: number };

  layer2: {
    sidecar_url: string;
    model_name: string;
    timeout_seconds: number;
    max_answer_tokens: number;
    classifier_mode: "tiered" | "binary";
    enabled: "auto" | "on" | "off";
    model: string;
    model_path: string;
    preload: boolean;
    gpu: "auto" | "off";
    threads: number;
    workers: number;
    context_size: number;
    queue_size: number;
    max_classify_tokens: number;
    max_prompt_tokens: number;
    repeat_penalty: number;
    local_labels: string[];
    cache_answers: boolean;
    allow_multi_turn: boolean;
    allow_tools: boolean;
    allow_images: boolean;
  };
  embedding_sidecar: {
    sidecar_url: string;
    model_name: string;
    timeout_seconds: number;
  };
  embedding: {
    model_path: string;
    preload: boolean;
    workers: number;
    queue_size: number;
    timeout_ms: number;
    max_batch: number;
  };
  ci: { mode: "off" | "record" | "replay"; recording_path: string; replay_miss: "error" | "passthrough" };
  semantic_guard: boolean;
}

/** Where each effective value came from: "default", "file:<path>", "env:<NAME>" or "flag:<--name>". */
export type ConfigSources = Record<string, string>;

export interface LoadedConfig {
  config: Config;
  sources: ConfigSources;
  file?: string;
}
