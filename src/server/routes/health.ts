import { Elysia } from "elysia";
import type { GatewayServices } from "../services.ts";

export const healthRoutes = (s: GatewayServices) =>
  new Elysia({ name: "health" })
    .get("/health", () => ({
      status: "ok",
      version: s.version,
      uptime_secs: Math.round((Date.now() - s.startedAt) / 1000),
      layers: s.layersEnabled,
      cache_mode: s.config.cache_mode,
      cache: s.cacheStatus(),
      provider: s.providerName ? { name: s.providerName, configured: true, model: s.config.external_llm_model } : { configured: false },
      // key ids and counts only: masked keys stay off this unauthenticated route
      providers: s.providers.status().map(({ keys, ...p }) => ({ ...p, keys: { available: keys.available, total: keys.total } })),
      in_flight: s.inFlight(),
      l2: s.l2?.() ?? { state: "off" },
      ready: s.isReady(),
    }))
    .get("/healthz", () => ({ status: "ok" }))
    .get("/readyz", ({ set }) => {
      const ready = s.isReady();
      if (!ready) set.status = 503;
      return { ready };
    });
