// /api/admin/*: cache stats and purge, redacted config. The admin key is checked by the auth gate in
// app.ts and again here, so the routes stay closed even if mounted elsewhere.
import { Elysia } from "elysia";
import { collectStats } from "../../admin/stats.ts";
import { purgeCaches } from "../../admin/purge.ts";
import { redactedConfig } from "../../admin/config-view.ts";
import { openaiFormat } from "../../formats/openai.ts";
import { requireAdmin } from "../../guard/admin-auth.ts";
import { errorResponse } from "../chat-handler.ts";
import type { GatewayServices } from "../services.ts";

async function admin(s: GatewayServices, request: Request, work: () => Promise<unknown> | unknown): Promise<Response> {
  try {
    requireAdmin(request.headers, s.config.admin_api_key);
    return Response.json(await work(), { headers: { "cache-control": "no-store" } });
  } catch (err) {
    return errorResponse(openaiFormat, err);
  }
}

export const adminRoutes = (s: GatewayServices) => {
  const rt = s.runtime;
  const purge = (request: Request) =>
    admin(s, request, async () => {
      const only = new URL(request.url).searchParams.get("cache") ?? undefined;
      const purged = await purgeCaches(rt.caches, only);
      rt.logger.warn("cache purged", { caches: Object.keys(purged), entries: purged });
      return { purged };
    });
  return new Elysia({ name: "admin" })
    .get("/api/admin/stats", ({ request }) => admin(s, request, () => collectStats(rt, { uptimeSecs: Math.round((Date.now() - s.startedAt) / 1000), inFlight: s.inFlight() })))
    .get("/api/admin/config", ({ request }) => admin(s, request, () => redactedConfig(s.config, rt.redactor)))
    .post("/api/admin/cache/purge", ({ request }) => purge(request), { parse: "none" })
    .delete("/api/admin/cache", ({ request }) => purge(request), { parse: "none" });
};
