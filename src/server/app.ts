// The HTTP surface: small Elysia plugins composed over one set of services.
import { Elysia } from "elysia";
import { openaiFormat } from "../formats/openai.ts";
import { GatewayError } from "../pipeline/errors.ts";
import { errorResponse } from "./chat-handler.ts";
import { checkAccess } from "../guard/auth-gate.ts";
import { formatForRequest } from "../formats/detect.ts";
import { adminRoutes } from "./routes/admin.ts";
import { chatRoutesPlugin } from "./routes/chat.ts";
import { chatRoutes, type ChatRoute } from "./chat-routes.ts";
import { healthRoutes } from "./routes/health.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { openapiRoutes } from "./routes/openapi.ts";
import { modelsRoutes } from "./routes/models.ts";
import { rootRoutes } from "./routes/root.ts";
import { dashboardRoutes } from "./routes/dashboard.ts";
import { recordRefusal } from "../telemetry/recent-requests.ts";
import type { GatewayServices } from "./services.ts";
import { requestPath } from "./request-target.ts";
import { requestLineLevel } from "../telemetry/logger.ts";

/** The auth gate's answer for a request it turns away (logged, counted), or undefined to go on. */
export function gateRefusal(services: GatewayServices, request: Request): Response | undefined {
  const refused = checkAccess(request, services.config, services.runtime.guard);
  if (!refused) return undefined;
  services.runtime.logger.info("request refused", { method: request.method, path: requestPath(request), status: refused.error.status, error: refused.error.message });
  recordRefusal(services.runtime.recent, request, refused.error);
  services.telemetry.refused(request, refused.error.status, refused.error.message);
  return errorResponse(refused.format, refused.error);
}

export function createApp(services: GatewayServices, chat: ChatRoute[] = chatRoutes(services)) {
  const { logger } = services.runtime;
  return new Elysia()
    // registered first so it runs before every route
    .onRequest(({ request }) => gateRefusal(services, request))
    .onError(({ code, error, request }) => {
      if (code === "NOT_FOUND") {
        const path = requestPath(request);
        logger.log(requestLineLevel(services.telemetry.tracingEnabled), "request", { method: request.method, path, status: 404, error: "no such route" });
        services.telemetry.refused(request, 404, "no such route");
        return errorResponse(formatForRequest(path, request.headers), new GatewayError(404, "not_found", `no route for ${request.method} ${path}`));
      }
      if (code === "PARSE" || code === "VALIDATION") return errorResponse(openaiFormat, new GatewayError(400, "invalid_request", String((error as Error).message)));
      return errorResponse(openaiFormat, error);
    })
    .use(healthRoutes(services))
    .use(metricsRoutes(services))
    .use(openapiRoutes(services))
    .use(modelsRoutes(services))
    .use(adminRoutes(services))
    .use(dashboardRoutes(services))
    .use(chatRoutesPlugin(chat))
    .use(rootRoutes(services));
}
