import { Elysia } from "elysia";
import type { GatewayServices } from "../services.ts";

/** What a client probing the base URL sees: HEAD / answers 200, GET / names the gateway and its API surfaces. */
export const rootRoutes = (s: GatewayServices) =>
  new Elysia({ name: "root" })
    .head("/", () => new Response(null, { status: 200 }))
    .get("/", () => ({
      name: "isartor",
      version: s.version,
      endpoints: {
        openai_chat: "/v1/chat/completions",
        openai_responses: "/v1/responses",
        anthropic_messages: "/v1/messages",
        gemini: "/v1beta/models/{model}:generateContent",
        models: "/v1/models",
        health: "/health",
      },
    }));
