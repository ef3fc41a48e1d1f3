// The names operators paste into PromQL, alert rules and Jaeger searches (seed 003). Keep them exact.
import type { LayerName } from "../pipeline/types.ts";

/** `final_layer` label values; L0_Guard: refused before any layer ran (auth, limits, bad input, 404). */
export type FinalLayer = "L0_Guard" | "L0_5_Router" | "L1a_ExactCache" | "L1b_SemanticCache" | "L2_SLM" | "L2_5_ContextOptimizer" | "L3_Cloud";

const FINAL_LAYER: Record<LayerName, FinalLayer> = {
  l0: "L0_Guard",
  "l0.5": "L0_5_Router",
  l1a: "L1a_ExactCache",
  l1b: "L1b_SemanticCache",
  l2: "L2_SLM",
  "l2.5": "L2_5_ContextOptimizer",
  l3: "L3_Cloud",
};

export function finalLayerName(layer: LayerName | undefined): FinalLayer {
  return layer ? FINAL_LAYER[layer] : "L0_Guard";
}

/** Span name of each layer's child span (seed 003 names where it gives one). */
export const LAYER_SPAN: Record<LayerName, string> = {
  l0: "l0_guard",
  "l0.5": "l0_5_router",
  l1a: "l1a_exact_cache_lookup",
  l1b: "l1b_semantic_cache_search",
  l2: "layer2_slm",
  "l2.5": "layer2_5_context_optimizer",
  l3: "l3_cloud_provider",
};

export const ROOT_SPAN = "gateway_request";
export const ATTEMPT_SPAN = "l3_upstream_attempt";
export const CACHE_INSERT_SPAN: Partial<Record<LayerName, string>> = { l1a: "l1a_exact_cache_insert", l1b: "l1b_semantic_cache_insert" };

export const METRIC = {
  requests: "isartor_requests_total",
  requestDuration: "isartor_request_duration_seconds",
  layerDuration: "isartor_layer_duration_seconds",
  tokensSaved: "isartor_tokens_saved_total",
  errors: "isartor_errors_total",
  retries: "isartor_retries_total",
  fallbacks: "isartor_fallbacks_total",
  cacheEvents: "isartor_cache_events_total",
  cacheEntries: "isartor_cache_entries",
  inFlight: "isartor_in_flight_requests",
  providerUp: "isartor_provider_up",
  providerCircuitOpen: "isartor_provider_circuit_open",
  providerConsecutiveFailures: "isartor_provider_consecutive_failures",
  aimdLimit: "isartor_aimd_limit",
  aimdInFlight: "isartor_aimd_in_flight",
  aimdQueued: "isartor_aimd_queued",
  aimdRejected: "isartor_aimd_rejected_total",
} as const;
