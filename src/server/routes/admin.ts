// /api/admin/*: cache stats and purge, redacted config, and the dashboard's data and config edits.
// The admin key is checked by the auth gate in app.ts and again here, so the routes stay closed even
// if mounted elsewhere.
import { Elysia } from "elysia";
import { collectStats } from "../../admin/stats.ts";
import { purgeCaches } from "../../admin/purge.ts";
import { redactedConfig } from "../../admin/config-view.ts";
import { collectOverview } from "../../admin/overview.ts";
import { providersView } from "../../admin/providers-view.ts";
import { testProvider } from "../../admin/provider-test.ts";
import { usageView } from "../../admin/usage-view.ts";
import { requestsView } from "../../admin/requests-view.ts";
import { configFields } from "../../admin/config-fields.ts";
import { editConfigFile } from "../../admin/config-edit.ts";
import { join } from "node:path";
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

/** a whole-number query parameter, or the fallback when absent or not a number */
function intParam(request: Request, name: string, fallback: number): number {
  const n = Number(new URL(request.url).searchParams.get(name) ?? NaN);
  return Number.isFinite(n) ? Math.floor(n) : fallback;
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
    // the dashboard's data (ADR-022)
    .get("/api/admin/overview", ({ request }) => admin(s, request, () => collectOverview(s, intParam(request, "minutes", 60))))
    .get("/api/admin/providers", ({ request }) => admin(s, request, () => providersView(s)))
    .post("/api/admin/providers/test", ({ request }) => admin(s, request, async () => testProvider(s, await rt.guard.readBody(request))), { parse: "none" })
    .get("/api/admin/usage", ({ request }) => admin(s, request, () => usageView(s, intParam(request, "days", 7))))
    .get("/api/admin/requests", ({ request }) => admin(s, request, () => requestsView(s, intParam(request, "limit", 100))))
    .get("/api/admin/config/fields", ({ request }) => admin(s, request, () => configFields(s)))
    .post("/api/admin/config", ({ request }) => admin(s, request, async () => editConfigFile(s.configFile ?? join(process.cwd(), "isartor.toml"), await rt.guard.readBody(request))), { parse: "none" })
    .post("/api/admin/cache/purge", ({ request }) => purge(request), { parse: "none" })
    .delete("/api/admin/cache", ({ request }) => purge(request), { parse: "none" });
};
