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
import type { GatewayServices } from "./services.ts";

export interface ServiceOverrides {
  provider?: ProviderClient | null;
}

export function buildServices(config: Config, overrides: ServiceOverrides = {}): GatewayServices {
  const provider = overrides.provider === undefined ? createDefaultProvider(config) : (overrides.provider ?? undefined);
  const layers: Layer[] = [];
  if (config.cache_mode === "exact" || config.cache_mode === "both") {
    layers.push(new ExactCacheLayer(new MemoryExactStore({ capacity: config.cache_max_capacity, ttlSecs: config.cache_ttl_secs })));
  }
  layers.push(new ProviderLayer(provider));
  let inFlight = 0;
  return {
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
}
