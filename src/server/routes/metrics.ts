// GET /metrics: the metrics registry in Prometheus text format. On the main port it sits behind the
// auth gate like every non-health route (gateway key required when keys are configured); with
// metrics.listen set it is served only on that separate address instead (metricsListener).
import { Elysia } from "elysia";
import { PROMETHEUS_CONTENT_TYPE } from "../../telemetry/metrics-api.ts";
import type { GatewayServices } from "../services.ts";

export const METRICS_PATH = "/metrics";

async function scrape(s: GatewayServices): Promise<Response> {
  return new Response(await s.telemetry.metrics.prometheusText(), { headers: { "content-type": PROMETHEUS_CONTENT_TYPE } });
}

/** served on the main port only when metrics are on and have no listener of their own */
export function metricsOnMainPort(s: GatewayServices): boolean {
  return s.config.metrics.enabled && s.config.metrics.listen === "";
}

export const metricsRoutes = (s: GatewayServices) => {
  const app = new Elysia({ name: "metrics" });
  return metricsOnMainPort(s) ? app.get(METRICS_PATH, () => scrape(s), { detail: { summary: "Prometheus metrics (text format 0.0.4)", tags: ["observability"] } }) : app;
};

/** The separate metrics address (metrics.listen): /metrics without a gateway key, nothing else. */
export function metricsListener(s: GatewayServices, hostname: string, port: number) {
  return Bun.serve({
    hostname,
    port,
    fetch: (req) => (new URL(req.url).pathname === METRICS_PATH && req.method === "GET" ? scrape(s) : new Response("not found\n", { status: 404 })),
  });
}
