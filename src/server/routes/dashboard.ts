// /dashboard/: the embedded management dashboard (ADR-022). The page and its assets are static and
// hold no data, so they load without a key; everything they show comes from /api/admin/*, which
// needs the admin key. A strict CSP keeps the page to this origin.
import { Elysia } from "elysia";
import { DASHBOARD_ASSETS, type DashboardAsset } from "../../admin/dashboard-assets.ts";
import type { GatewayServices } from "../services.ts";

const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cache-control": "no-cache",
};

const serve = (asset: DashboardAsset) => new Response(asset.body, { headers: { "content-type": asset.contentType, ...SECURITY_HEADERS } });

export const dashboardRoutes = (_s: GatewayServices) =>
  new Elysia({ name: "dashboard" })
    // Elysia matches "/dashboard" and "/dashboard/" alike; relative asset URLs need the slash
    .get("/dashboard", ({ request }) =>
      new URL(request.url).pathname.endsWith("/") ? serve(DASHBOARD_ASSETS["index.html"]!) : new Response(null, { status: 308, headers: { location: "/dashboard/" } }),
    )
    .get("/dashboard/app.js", () => serve(DASHBOARD_ASSETS["app.js"]!))
    .get("/dashboard/app.css", () => serve(DASHBOARD_ASSETS["app.css"]!));
