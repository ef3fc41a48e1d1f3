// Every route the app registers, discovered from the app: without a key, or with a wrong one, nothing
// but the health probes answers; admin routes also refuse a valid gateway key.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";
import { discoverRoutes, isErrorShape } from "./routes.ts";

const KEY = "route-gateway-key-0123456789";
const ADMIN = "route-admin-key-0123456789";
// "/" answers probes with the list of API surfaces (no data); see src/guard/auth-gate.ts
const PUBLIC = new Set(["/", "/health", "/healthz", "/readyz"]);
// the dashboard's static page and assets hold no data (what they show comes from /api/admin/*)
const DASHBOARD_ASSETS = new Set(["/dashboard", "/dashboard/app.js", "/dashboard/app.css"]);

let upstream: MockUpstream;
let gateway: RunningGateway;
beforeAll(async () => {
  upstream = startMockOpenAI();
  gateway = await startTestGateway(
    { ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url, ISARTOR__GATEWAY_API_KEY: KEY, ISARTOR__ADMIN_API_KEY: ADMIN, ISARTOR__CACHE_MODE: "exact" },
    { logSink: () => {} },
  );
});
afterAll(async () => {
  await gateway.stop();
  upstream.stop();
});

const routes = discoverRoutes();

test("the app has admin, chat and health routes to check", () => {
  expect(routes.some((r) => r.path.startsWith("/api/admin/") && r.method !== "GET")).toBe(true);
  expect(routes.filter((r) => r.chat).length).toBeGreaterThanOrEqual(4);
});

for (const route of routes.filter((r) => !PUBLIC.has(r.path) && !DASHBOARD_ASSETS.has(r.path))) {
  const admin = route.path.startsWith("/api/admin");
  const wrongKeys: Record<string, string>[] = [
    {},
    { authorization: "Bearer wrong" },
    { "x-api-key": `${KEY}x` },
    { "x-goog-api-key": "" },
    { authorization: `Basic ${btoa(`user:${KEY}`)}` },
    ...(admin ? [{ authorization: `Bearer ${KEY}` }] : [{ authorization: `Bearer ${ADMIN}` }]),
  ];
  test(`${route.method} ${route.pattern} refuses a missing or wrong key`, async () => {
    for (const headers of wrongKeys) {
      const res = await fetch(`${gateway.url}${route.path}`, {
        method: route.method,
        headers: { "content-type": "application/json", ...headers },
        body: route.method === "GET" || route.method === "HEAD" ? undefined : JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
      });
      expect([401, 403]).toContain(res.status);
      expect(isErrorShape(route.shape, await res.json())).toBe(true);
    }
    expect(upstream.requests.length).toBe(0);
  });
}

test("health probes stay open for orchestrators", async () => {
  for (const path of PUBLIC) expect((await fetch(`${gateway.url}${path}`)).status).toBeLessThan(500);
});

test("the dashboard's page and assets load without a key and carry no key", async () => {
  expect(routes.filter((r) => DASHBOARD_ASSETS.has(r.path)).length).toBe(DASHBOARD_ASSETS.size);
  for (const path of [...DASHBOARD_ASSETS].map((p) => (p === "/dashboard" ? "/dashboard/" : p))) {
    const res = await fetch(`${gateway.url}${path}`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).not.toContain(KEY);
    expect(body).not.toContain(ADMIN);
  }
});
