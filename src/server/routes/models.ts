// GET /v1/models: OpenAI's model list, built from the configured providers (their models and what
// their model-list endpoints reported on the last health ping) and the configured aliases.
import { Elysia } from "elysia";
import type { GatewayServices } from "../services.ts";

export const modelsRoutes = (s: GatewayServices) =>
  new Elysia({ name: "models" }).get("/v1/models", () => {
    const created = Math.floor(s.startedAt / 1000);
    return {
      object: "list",
      data: s.providers.models().map((m) => ({ id: m.id, object: "model", created, owned_by: m.owned_by })),
    };
  });
