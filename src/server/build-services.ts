// Composes the pipeline from the configuration.
import { MemoryExactStore } from "../cache/memory-exact.ts";
import type { Config } from "../config/types.ts";
import type { Layer } from "../pipeline/context.ts";
import { ExactCacheLayer } from "../pipeline/layers/exact-cache.ts";
import { ProviderLayer } from "../pipeline/layers/provider.ts";
import { Pipeline } from "../pipeline/pipeline.ts";
import { createDefaultProvider } from "../providers/default-provider.ts";
import type { ProviderClient } from "../providers/provider.ts";
import { VERSION } from "../version.ts";
import { withAimd } from "../guard/aimd-provider.ts";
import { attachRuntime, createRuntime } from "../guard/runtime.ts";
import type { LogSink } from "../telemetry/logger.ts";
import type { GatewayServices } from "./services.ts";

export interface ServiceOverrides {
  provider?: ProviderClient | null;
  /** where log lines go (default stderr) */
  logSink?: LogSink;
}

export function buildServices(config: Config, overrides: ServiceOverrides = {}): GatewayServices {
  const runtime = createRuntime(config, overrides.logSink);
  const upstream = overrides.provider === undefined ? createDefaultProvider(config) : (overrides.provider ?? undefined);
  const provider = upstream && withAimd(upstream, config.aimd, (name, limiter) => runtime.limiters.push({ provider: name, limiter }));
  const layers: Layer[] = [];
  if (config.cache_mode === "exact" || config.cache_mode === "both") {
    const exactStore = new MemoryExactStore({ capacity: config.cache_max_capacity, ttlSecs: config.cache_ttl_secs });
    runtime.caches.push({ name: "exact", size: () => exactStore.size(), clear: () => exactStore.clear() });
    layers.push(new ExactCacheLayer(exactStore));
  }
  layers.push(new ProviderLayer(provider));
  let inFlight = 0;
  const services: GatewayServices = {
    config,
    pipeline: new Pipeline(layers),
    version: VERSION,
    startedAt: Date.now(),
    providerName: provider?.name,
    layersEnabled: layers.map((l) => l.name),
    isReady: () => true,
    track() {
      inFlight++;
      let done = false;
      return () => {
        if (!done) {
          done = true;
          inFlight--;
        }
      };
    },
    inFlight: () => inFlight,
    close: async () => {},
  };
  attachRuntime(services, runtime);
  return services;
}
