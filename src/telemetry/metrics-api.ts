// What the gateway records metrics through, free of OpenTelemetry imports: the SDK-backed
// registry (metrics.ts) is loaded only when a gateway starts with metrics on.
import type { FinalLayer } from "./names.ts";

export type CacheName = "exact" | "semantic";
export type CacheEvent = "hit" | "miss" | "store" | "evict";

/** What the gauges are read from; every function is called at collection time only. */
export interface MetricSources {
  inFlight(): number;
  providers(): { provider: string; status: string; circuit: string; consecutiveFailures: number }[];
  retries(): number;
  fallbacks(): number;
  limiters(): { provider: string; limit: number; inFlight: number; queued: number; rejectedQueueFull: number; rejectedTimeout: number }[];
  caches(): { name: string; size(): Promise<number> }[];
}

export interface GatewayMetrics {
  readonly enabled: boolean;
  /** seconds undefined: refused before a handler ran, so there is no duration worth a histogram sample */
  request(finalLayer: FinalLayer, httpStatus: number, seconds?: number): void;
  layer(layerName: FinalLayer, seconds: number): void;
  tokensSaved(finalLayer: FinalLayer, tokens: number): void;
  error(layer: FinalLayer, errorType: string): void;
  cacheEvent(cache: CacheName, event: CacheEvent): void;
  /** the current state in Prometheus text exposition format */
  prometheusText(): Promise<string>;
  shutdown(): Promise<void>;
}

export const NOOP_METRICS: GatewayMetrics = {
  enabled: false,
  request() {},
  layer() {},
  tokensSaved() {},
  error() {},
  cacheEvent() {},
  prometheusText: async () => "",
  shutdown: async () => {},
};

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
