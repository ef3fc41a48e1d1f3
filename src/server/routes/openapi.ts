// GET /openapi.json: the OpenAPI 3 document of every route the app has (@elysiajs/openapi reads
// them from the composed app at request time). No UI: the plugin's Scalar / Swagger UI pages load
// their scripts from a CDN, which an air-gapped gateway cannot reach; paste the spec into any
// viewer instead. Request bodies are the vendors' wire formats (OpenAI, Anthropic, Gemini), parsed
// by the formats/ modules rather than by route schemas, so the spec names them without schemas.
import { openapi } from "@elysiajs/openapi";
import type { GatewayServices } from "../services.ts";

export const OPENAPI_PATH = "/openapi.json";

export const openapiRoutes = (s: GatewayServices) =>
  openapi({
    provider: null,
    specPath: OPENAPI_PATH,
    exclude: { paths: [OPENAPI_PATH] },
    documentation: {
      info: {
        title: "Isartor gateway",
        version: s.version,
        description:
          "AI prompt firewall and LLM gateway. Chat routes speak the OpenAI, Anthropic and Gemini wire formats " +
          "(and the native /api/chat); every route except /health, /healthz and /readyz needs the gateway key " +
          "when one is configured, /api/admin/* the admin key. See docs/observability.md for /metrics.",
      },
      components: {
        securitySchemes: {
          gatewayKey: { type: "http", scheme: "bearer", description: "gateway key (also accepted as x-api-key or x-goog-api-key)" },
        },
      },
      security: [{ gatewayKey: [] }],
    },
  });
