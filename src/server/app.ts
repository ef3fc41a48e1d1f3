// The HTTP surface: small Elysia plugins composed over one set of services.
import { Elysia } from "elysia";
import { openaiFormat } from "../formats/openai.ts";
import { GatewayError } from "../pipeline/errors.ts";
import { errorResponse } from "./chat-handler.ts";
import { checkAccess } from "../guard/auth-gate.ts";
import { formatForRequest } from "../formats/detect.ts";
import { adminRoutes } from "./routes/admin.ts";
import { anthropicRoutes } from "./routes/anthropic.ts";
import { chatRoutes } from "./routes/chat.ts";
import { geminiRoutes } from "./routes/gemini.ts";
import { healthRoutes } from "./routes/health.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { openapiRoutes } from "./routes/openapi.ts";
import { modelsRoutes } from "./routes/models.ts";
import { responsesRoutes } from "./routes/responses.ts";
import { rootRoutes } from "./routes/root.ts";
import { dashboardRoutes } from "./routes/dashboard.ts";
import { recordRefusal } from "../telemetry/recent-requests.ts";
import type { GatewayServices } from "./services.ts";

export function createApp(services: GatewayServices) {
  const { guard, logger } = services.runtime;
  return new Elysia()
    // registered first so it runs before every route
    .onRequest(({ request }) => {
      const refused = checkAccess(request, services.config, guard);
      if (!refused) return;
      logger.info("request refused", { method: request.method, path: new URL(request.url).pathname, status: refused.error.status, error: refused.error.message });
      recordRefusal(services.runtime.recent, request, refused.error);
      services.telemetry.refused(request, refused.error.status, refused.error.message);
      return errorResponse(refused.format, refused.error);
    })
    .onError(({ code, error, request }) => {
      if (code === "NOT_FOUND") {
        const url = new URL(request.url);
        logger.info("request", { method: request.method, path: url.pathname, status: 404, error: "no such route" });
        services.telemetry.refused(request, 404, "no such route");
        return errorResponse(formatForRequest(url.pathname, request.headers), new GatewayError(404, "not_found", `no route for ${request.method} ${url.pathname}`));
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
    .use(chatRoutes(services))
    .use(anthropicRoutes(services))
    .use(geminiRoutes(services))
    .use(responsesRoutes(services))
    .use(rootRoutes(services));
}
