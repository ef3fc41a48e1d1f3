import { Elysia } from "elysia";
import { presentsAdminKey } from "../../guard/admin-auth.ts";
import { defaultModel } from "../../providers/default-provider.ts";
import type { GatewayServices } from "../services.ts";

/**
 * /health is unauthenticated: it shows that a provider failed and when, but the failure's text (an
 * upstream's words, scrubbed but still theirs) only to a caller presenting the admin key.
 */
function providerRows(s: GatewayServices, headers: Headers) {
  const admin = presentsAdminKey(headers, s.config.admin_api_key);
  // key ids and counts only: masked keys stay off this route
  return s.providers.status().map(({ keys, last_error, ...p }) => ({
    ...p,
    ...(admin && last_error ? { last_error } : {}),
    keys: { available: keys.available, total: keys.total },
  }));
}

export const healthRoutes = (s: GatewayServices) =>
  new Elysia({ name: "health" })
    .get("/health", ({ request }) => ({
      status: "ok",
      version: s.version,
      uptime_secs: Math.round((Date.now() - s.startedAt) / 1000),
      layers: s.layersEnabled,
      cache_mode: s.config.cache_mode,
      cache: s.cacheStatus(),
      provider: s.providerName ? { name: s.providerName, configured: true, model: defaultModel(s.config) } : { configured: false },
      providers: providerRows(s, request.headers),
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
