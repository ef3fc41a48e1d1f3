// Starts and stops a gateway: listen, then on stop refuse new work and drain what is in flight.
import type { Config } from "../config/types.ts";
import { createApp, gateRefusal } from "./app.ts";
import { chatRouteFinder, chatRoutes } from "./chat-routes.ts";
import { requestPath } from "./request-target.ts";
import { errorResponse } from "./chat-handler.ts";
import { openaiFormat } from "../formats/openai.ts";
import { buildServices, type ServiceOverrides } from "./build-services.ts";
import { routableRequest } from "./host-routing.ts";
import { metricsListener } from "./routes/metrics.ts";
import type { GatewayServices } from "./services.ts";

export interface RunningGateway {
  url: string;
  port: number;
  /** the separate /metrics address, when metrics.listen is set */
  metricsUrl?: string;
  services: GatewayServices;
  /** stop accepting, wait for in-flight requests (up to the grace period), release resources */
  stop(): Promise<void>;
}

export function parseHostPort(hostPort: string): { hostname: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(hostPort.trim());
  if (!m) throw new Error(`host_port must look like HOST:PORT, got '${hostPort}'`);
  return { hostname: m[1] || "0.0.0.0", port: Number(m[2]) };
}

export async function startGateway(config: Config, overrides: ServiceOverrides = {}): Promise<RunningGateway> {
  const services = buildServices(config, overrides);
  const { hostname, port } = parseHostPort(config.host_port);
  const chat = chatRoutes(services);
  const handle = createApp(services, chat).fetch;
  const chatRoute = chatRouteFinder(chat);
  // Bun.serve directly rather than Elysia's listen(): every request passes routableRequest first
  // (listen() would also route some paths natively, around it); chat POSTs skip Elysia altogether
  const server = Bun.serve({
    hostname,
    port,
    development: false,
    // Our own reader enforces max_body_bytes with a JSON 413; Bun's cap only stops abuse far beyond it.
    maxRequestBodySize: config.max_body_bytes * 2 + 1024 * 1024,
    idleTimeout: 255,
    fetch(request) {
      const routable = routableRequest(request);
      if (routable instanceof Response) return routable;
      const route = routable.method === "POST" ? chatRoute(requestPath(routable)) : undefined;
      if (!route) return handle(routable);
      return gateRefusal(services, routable) ?? route.handle(routable);
    },
    // a handler that throws (none should) still answers JSON in the caller's format, never Bun's page
    error(err) {
      services.runtime.logger.error("unhandled error in a route", { error: err.message });
      return errorResponse(openaiFormat, err);
    },
  });
  const shownHost = hostname === "0.0.0.0" || hostname === "::" ? "127.0.0.1" : hostname;
  const metricsAt = config.metrics.enabled && config.metrics.listen ? parseHostPort(config.metrics.listen) : undefined;
  const metricsServer = metricsAt && metricsListener(services, metricsAt.hostname, metricsAt.port);
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${server.port}`,
    port: server.port!,
    ...(metricsServer ? { metricsUrl: `http://${metricsAt!.hostname === "0.0.0.0" || metricsAt!.hostname === "::" ? "127.0.0.1" : metricsAt!.hostname}:${metricsServer.port}/metrics` } : {}),
    services,
    stop() {
      stopping ??= (async () => {
        const drained = server.stop(false);
        metricsServer?.stop(true);
        const deadline = Date.now() + config.shutdown_grace_secs * 1000;
        while (services.inFlight() > 0 && Date.now() < deadline) await Bun.sleep(25);
        if (services.inFlight() > 0) await server.stop(true);
        else await Promise.race([drained, Bun.sleep(100)]);
        await services.close();
      })();
      return stopping;
    },
  };
}
