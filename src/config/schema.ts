// Every configuration key: its type, default, allowed values and whether it is a secret.
// Paths are dotted ("layer2.sidecar_url"); the TOML table and the environment name
// (ISARTOR__LAYER2__SIDECAR_URL) are derived from the path unless `env` overrides it.

import { validateGatewayKeys } from "../guard/gateway-key-config.ts";
import { validateAliases } from "../providers/aliases.ts";
import { validateQuotaRules } from "../providers/quotas.ts";
import { validateProviderEntries } from "../providers/registry.ts";
import { DEFAULT_SLM_MODEL, SLM_MODEL_KEYS } from "../inference/slm-models.ts";
import { validateMatrix, validateRules } from "../router/rules.ts";

export type FieldType = "string" | "integer" | "number" | "boolean" | "enum" | "list" | "json";

export interface FieldSpec {
  type: FieldType;
  default: unknown;
  description: string;
  values?: readonly string[];
  min?: number;
  max?: number;
  secret?: boolean;
  /** extra environment names that also set this key (e.g. single-underscore legacy names) */
  envAliases?: readonly string[];
  /** for "json" fields: returns an error message or undefined */
  validate?: (value: unknown) => string | undefined;
}

const str = (def: string, description: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  type: "string",
  default: def,
  description,
  ...extra,
});
const int = (def: number, description: string, min = 0, max = Number.MAX_SAFE_INTEGER): FieldSpec => ({
  type: "integer",
  default: def,
  description,
  min,
  max,
});
const num = (def: number, description: string, min: number, max: number): FieldSpec => ({
  type: "number",
  default: def,
  description,
  min,
  max,
});
const bool = (def: boolean, description: string): FieldSpec => ({ type: "boolean", default: def, description });
const oneOf = (values: readonly string[], def: string, description: string): FieldSpec => ({
  type: "enum",
  default: def,
  values,
  description,
});

export const SCHEMA: Record<string, FieldSpec> = {
  profile: oneOf(["default", "edge"], "default", "preset of defaults: edge = small devices (Qwen2.5-0.5B for L2, 2 threads, small caches and queues); explicit settings still win"),
  host_port: str("0.0.0.0:8080", "address the gateway listens on (host:port)"),
  gateway_api_key: str("", "key clients must send (Bearer / x-api-key / x-goog-api-key); empty = no auth", {
    secret: true,
  }),
  max_body_bytes: int(10 * 1024 * 1024, "largest request body accepted, in bytes (413 above)", 1024),
  request_timeout_secs: int(300, "longest time one client request may take end to end", 1),
  shutdown_grace_secs: int(30, "how long SIGTERM/SIGINT waits for in-flight requests", 0),
  offline: bool(false, "never touch the network for models (air-gapped)"),
  log_level: oneOf(["debug", "info", "warn", "error"], "info", "log verbosity"),

  gateway_keys: {
    type: "json",
    default: [],
    secret: true,
    description: "gateway keys with ids/tenants/limits: [{id, key, tenant?, requests_per_minute?, tokens_per_minute?}]",
    validate: validateGatewayKeys,
  },
  admin_api_key: str("", "key for /api/admin/* (cache stats/purge); empty = admin API disabled", { secret: true }),
  rate_limit_requests_per_minute: int(0, "requests per minute per gateway key (0 = unlimited)"),
  rate_limit_tokens_per_minute: int(0, "estimated tokens per minute per gateway key (0 = unlimited)"),
  max_json_depth: int(64, "deepest nesting of arrays/objects accepted in a request body (400 above)", 2, 10000),
  body_read_timeout_secs: int(30, "longest time a client may take to send its request body (408 above)", 1),
  log_redact_patterns: { type: "list", default: [], description: "extra regular expressions whose matches are masked in logs" },

  "context_optimizer.enabled": bool(true, "L2.5: shrink what goes upstream (dedup, log crunch, minify)"),
  "context_optimizer.dedup": bool(true, "L2.5: replace instruction blocks repeated within one request by a reference"),
  "context_optimizer.log_crunch": bool(true, "L2.5: collapse huge logs, repeated lines and long stack traces"),
  "context_optimizer.minify": bool(true, "L2.5: minify JSON and redundant whitespace"),
  "context_optimizer.min_block_chars": int(200, "L2.5: shortest block the dedup stage considers", 20),
  "context_optimizer.min_request_chars": int(400, "L2.5: requests with less text than this go upstream as sent (nothing worth shrinking)", 0),
  "context_optimizer.max_log_lines": int(120, "L2.5: log lines kept (head + tail + error lines) before the rest is collapsed", 10),

  "aimd.enabled": bool(true, "adaptive (AIMD) concurrency limit in front of each upstream provider"),
  "aimd.initial_limit": int(16, "AIMD: concurrent upstream calls allowed at start", 1),
  "aimd.min_limit": int(1, "AIMD: lowest concurrency limit", 1),
  "aimd.max_limit": int(256, "AIMD: highest concurrency limit", 1),
  "aimd.target_latency_ms": int(20000, "AIMD: p95 latency (first byte for streams) above which the limit halves", 1),
  "aimd.max_queue": int(512, "AIMD: requests that may wait for a slot; beyond that 503", 0),
  "aimd.queue_timeout_ms": int(30000, "AIMD: longest wait for a slot before 503", 1),

  "classifier_routing.enabled": bool(false, "L0.5: classify each request with the router heads and route it (needs artifact_path)"),
  "classifier_routing.artifact_path": str("", "L0.5: JSON heads artifact from `isartor router train` (trained on the same encoder the gateway embeds with)"),
  "classifier_routing.fallback_to_existing_routing": bool(true, "L0.5: on classifier failure or no matching rule, route as without L0.5 (false = fail closed with 503)"),
  "classifier_routing.min_confidence": num(0.5, "L0.5: a head label below this softmax probability matches no rule condition", 0, 1),
  "classifier_routing.timeout_ms": int(500, "L0.5: longest wait for the query embedding before the classifier counts as failed", 1),
  "classifier_routing.max_context_chars": int(2000, "L0.5: characters of the last user message that are classified", 1),
  "classifier_routing.rules": { type: "json", default: [], description: "L0.5: ordered [[classifier_routing.rules]]: name?, task_type?/complexity?/persona?/domain? (label or list), target = \"provider/model\" | model | \"local\", skip_layers?", validate: validateRules },
  "classifier_routing.matrix": { type: "json", default: {}, description: "L0.5: [classifier_routing.matrix] complexity = { task_type = target } (\"default\" = any label); compiled after the explicit rules", validate: validateMatrix },

  cache_mode: oneOf(["exact", "semantic", "both"], "both", "which cache layers run"),
  cache_backend: oneOf(["memory", "redis"], "memory", "where cache entries live"),
  redis_url: str("redis://127.0.0.1:6379", "Redis URL when cache_backend = redis (redis://, rediss:// for TLS, password in the URL)", { secret: true }),
  "redis.key_prefix": str("isartor", "prefix of every Redis key (one per deployment); the cache schema version is appended"),
  "redis.sentinels": { type: "list", default: [], description: "Sentinel addresses (host:port, …); with redis.sentinel_name the master is found through them" },
  "redis.sentinel_name": str("", "Sentinel master group name (used with redis.sentinels)"),
  "redis.cluster_nodes": { type: "list", default: [], description: "Redis Cluster seed nodes (host:port, …); non-empty = Cluster mode" },
  "redis.command_timeout_ms": int(250, "longest wait for one Redis command before the cache layer passes the request on", 1),
  "redis.connect_timeout_ms": int(2000, "longest wait for one Redis connection attempt (reconnects back off up to 5 s)", 1),
  "redis.vector_search": oneOf(["auto", "replica"], "auto", "L1b search: auto = Redis 8 vector sets when the server has them, else each replica's in-memory index; replica = always the in-memory index"),
  cache_ttl_secs: int(300, "seconds a cache entry lives (0 = no expiry)"),
  cache_max_capacity: int(10000, "most entries per cache", 1),
  cache_max_bytes: int(128 * 1024 * 1024, "most bytes of answers (and vectors) each in-memory cache holds; the least recently used go first", 1024),
  similarity_threshold: num(0.85, "cosine similarity needed for a semantic hit", 0, 1),

  router_backend: oneOf(["embedded", "vllm"], "embedded", "where L2 classification runs"),
  vllm_url: str("", "vLLM / OpenAI-compatible server for router_backend = vllm"),
  vllm_model: str("", "model name served by vllm_url"),
  inference_engine: oneOf(["embedded", "sidecar"], "embedded", "where the L2 small model runs"),
  hf_cache_dir: str("", "model cache directory (default ~/.cache/isartor/models)", {
    envAliases: ["ISARTOR_HF_CACHE_DIR"],
  }),

  llm_provider: str("openai", "L3 provider name (openai, azure, anthropic, xai, groq, ollama, …)"),
  external_llm_api_key: str("", "API key for the L3 provider", { secret: true }),
  external_llm_model: str("gpt-4o-mini", "model sent to the L3 provider"),
  external_llm_base_url: str("", "base URL of the L3 provider (default: the provider's public URL)"),
  external_llm_timeout_secs: int(120, "seconds to wait for the L3 provider to start answering", 1),

  providers: {
    type: "json",
    default: [],
    secret: true,
    description: "L3 providers in fallback order ([[providers]] tables: name, vendor, base_url, api_key(s), model, …); empty = the llm_provider / external_llm_* shorthand",
    validate: validateProviderEntries,
  },
  aliases: { type: "json", default: {}, description: 'model aliases: alias = "model" | "provider/model" | ["provider/model", …] (fallback order)', validate: validateAliases },
  quotas: { type: "json", default: [], description: "[[quotas]]: provider, model?, key_id?, period day|month, max_requests|max_tokens|max_cost_usd, action warn|block|fallback", validate: validateQuotaRules },
  "usage.enabled": bool(true, "append every L3 call and every deflection to the usage log"),
  "usage.path": str("~/.isartor/usage.jsonl", "usage log file (JSON lines)"),
  "usage.max_file_bytes": int(50 * 1024 * 1024, "usage log size that triggers rotation", 1024),
  "usage.max_files": int(5, "rotated usage log files kept"),
  "retry.max_retries": int(2, "retries per provider on 408/429/5xx/529/timeouts before falling back", 0, 10),
  "retry.base_delay_ms": int(250, "first retry delay (doubles each retry, with jitter)", 0),
  "retry.max_delay_ms": int(8000, "longest retry delay; a longer Retry-After falls back at once", 0),
  "circuit_breaker.failure_threshold": int(5, "consecutive failures that take a provider out of the chain (0 = never)"),
  "circuit_breaker.cooldown_secs": int(30, "how long a tripped provider stays out before a trial call", 1),
  key_cooldown_secs: int(60, "how long a pool key rests after 401/403 (or 429 without Retry-After)", 0),
  max_retry_after_secs: int(300, "longest upstream Retry-After honoured: caps key cooldowns and the Retry-After forwarded to clients", 1),
  max_upstream_response_bytes: int(16 * 1024 * 1024, "largest upstream answer accepted (a stream counts all its bytes); larger ones fail with 502 and are never cached", 1024),
  upstream_max_connections: int(256, "upstream HTTP requests in flight at once (process-wide); more wait locally, and that wait never counts toward the upstream timeout. Above Bun's fetch pool (BUN_CONFIG_MAX_HTTP_REQUESTS, 256) isartor up restarts itself with a pool this large", 1, 65535),
  provider_health_check_interval_secs: int(300, "background ping of each provider's model list (0 = off)"),

  enable_monitoring: bool(false, "OpenTelemetry traces (and OTLP metrics push); off = no tracer is set up at all"),
  otel_exporter_endpoint: str("", "OTLP/HTTP collector base URL (e.g. http://otel-collector:4318); empty with monitoring on = spans to the console"),
  "metrics.enabled": bool(true, "keep the metrics registry and serve GET /metrics (Prometheus text format)"),
  "metrics.listen": str("", "serve /metrics on this separate host:port without a gateway key (e.g. 127.0.0.1:9090); empty = on the main port, gateway key required"),
  "responses.history_max_entries": int(2000, "Responses API answers kept for previous_response_id (least recently used go first)", 0),
  "responses.history_ttl_secs": int(21600, "how long a Responses API answer can be continued with previous_response_id", 1),
  "responses.history_max_bytes": int(64 * 1024 * 1024, "most characters of conversation held for previous_response_id, all tenants together", 0),
  "metrics.export_interval_secs": int(60, "OTLP metrics push interval when enable_monitoring is on and otel_exporter_endpoint is set", 1),
  "request_log.enabled": { ...bool(true, "append one JSON line per request (metadata; bodies only with include_bodies) for `isartor logs --requests` and `isartor stats`"), envAliases: ["ISARTOR__ENABLE_REQUEST_LOGS"] },
  "request_log.path": str("~/.isartor/requests.jsonl", "request log file (JSON lines, rotated)"),
  "request_log.include_bodies": bool(false, "also log request/response bodies and headers (redacted); opt-in, prompts can be sensitive"),
  "request_log.max_file_bytes": int(20 * 1024 * 1024, "request log size that triggers rotation", 1024),
  "request_log.max_files": int(3, "rotated request log files kept"),

  "layer2.sidecar_url": str("", "llama.cpp / OpenAI-compatible generation sidecar for L2"),
  "layer2.model_name": str("", "model served by the L2 sidecar or embedded GGUF"),
  "layer2.timeout_seconds": int(30, "seconds L2 may take before the request passes on", 1),
  "layer2.max_answer_tokens": int(2048, "longest answer L2 may give", 1),
  "layer2.classifier_mode": oneOf(["tiered", "binary"], "tiered", "how L2 decides simple vs complex"),
  "layer2.enabled": oneOf(["auto", "on", "off"], "auto", "L2: auto = run when a backend is at hand (embedded: the GGUF is already on disk, never downloaded at startup; sidecar/vllm: a URL is set); on = required (downloads the GGUF unless offline); off = never"),
  "layer2.model": oneOf(SLM_MODEL_KEYS, DEFAULT_SLM_MODEL, "L2 embedded GGUF by name (hub repo and file from the model registry, see docs/local-model.md)"),
  "layer2.model_path": str("", "L2: explicit GGUF file for the embedded engine (never downloaded into); empty = layer2.model from the model cache"),
  "layer2.preload": bool(true, "L2: load the embedded model at startup (readiness waits for it) instead of on first use"),
  "layer2.gpu": oneOf(["auto", "off"], "auto", "L2 embedded: auto = use a GPU when node-llama-cpp's prebuilt binaries can, off = CPU only"),
  "layer2.threads": int(0, "L2 embedded: CPU threads per worker (0 = half the cores, 1 to 4)", 0, 256),
  "layer2.workers": int(1, "L2 embedded: worker threads, each holding its own copy of the model", 1, 16),
  "layer2.context_size": int(4096, "L2 embedded: context window in tokens (capped at the model's training context)", 128, 131072),
  "layer2.queue_size": int(8, "L2: calls that may wait for the model; beyond that the request passes on", 0),
  "layer2.max_classify_tokens": int(20, "L2: tokens the classifier may emit (seed 001: 20)", 4, 256),
  "layer2.max_prompt_tokens": int(1024, "L2: estimated prompt tokens above which a request is not a candidate", 1),
  "layer2.repeat_penalty": num(1.1, "L2: repetition penalty while classifying and answering (seed 001: 1.1)", 1, 2),
  "layer2.local_labels": { type: "list", default: [], description: "L2: labels answered locally (empty = TEMPLATE, SNIPPET in tiered mode; SIMPLE in binary mode)" },
  "layer2.cache_answers": bool(false, "L2: store local answers in L1a/L1b like upstream answers"),
  "layer2.allow_multi_turn": bool(false, "L2: conversations with earlier turns are candidates (default: single-turn only)"),
  "layer2.allow_tools": bool(false, "L2: requests that declare tools are candidates (the local model never calls them)"),
  "layer2.allow_images": bool(false, "L2: requests with images are candidates (the image is dropped for the local model)"),

  "embedding_sidecar.sidecar_url": str("", "OpenAI-compatible /v1/embeddings server instead of in-process MiniLM"),
  "embedding_sidecar.model_name": str("all-minilm", "embedding model name sent to the sidecar"),
  "embedding_sidecar.timeout_seconds": int(10, "seconds an embedding call may take", 1),
  "embedding.model_path": str("", "directory of a transformers.js-layout embedding model; empty = Xenova/all-MiniLM-L6-v2 from the model cache"),
  "embedding.preload": bool(true, "load the embedding model at startup (readiness waits for it) instead of on first use"),
  "embedding.workers": int(1, "embedding worker threads", 1, 64),
  "embedding.queue_size": int(64, "embedding calls that may wait for a worker; beyond that L1b is skipped", 1),
  "embedding.timeout_ms": int(250, "milliseconds an in-process embedding may take before L1b is skipped", 1),
  "embedding.max_batch": int(16, "most queued texts one worker call embeds together", 1, 512),
  "ci.mode": oneOf(["off", "record", "replay"], "off", "CI sidecar: record every answer to ci.recording_path, or replay answers from it (keyed like L1a) for deterministic test runs"),
  "ci.recording_path": str("isartor-recording.jsonl", "the recording file (JSON lines) for ci.mode record/replay"),
  "ci.replay_miss": oneOf(["error", "passthrough"], "error", "ci.mode = replay: a request not in the recording gets a 503 (error) or goes on to the providers (passthrough)"),
  semantic_guard: bool(true, "reject semantic matches that differ in numbers, negation or rare content words"),
};

export function envNameFor(path: string): string {
  return `ISARTOR__${path.split(".").join("__").toUpperCase()}`;
}
