// What /api/admin/stats reports: cache sizes, L0 counters, AIMD state per provider, L2.5 savings.
// Nothing here carries a key or a request body.
import type { GatewayRuntime } from "../guard/runtime.ts";

export async function collectStats(rt: GatewayRuntime, extra: { uptimeSecs: number; inFlight: number }) {
  const caches: Record<string, { entries: number }> = {};
  for (const c of rt.caches) caches[c.name] = { entries: await c.size() };
  return {
    uptime_secs: extra.uptimeSecs,
    in_flight: extra.inFlight,
    caches,
    guard: {
      auth_enabled: rt.guard.keys.enabled,
      auth_failures: rt.guard.authFailures,
      rate_limited: rt.guard.limiter.rejected,
    },
    concurrency: Object.fromEntries(rt.limiters.map(({ provider, limiter }) => [provider, limiter.stats()])),
    ...Object.fromEntries(rt.stats.map((s) => [s.name, s.stats()])),
  };
}
