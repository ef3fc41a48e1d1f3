// The admin API: closed without the admin key (and with a gateway key), working with it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PROVIDER_SECRET as PROVIDER, startAdminGateway, testAdminRefusals, type AdminGateway } from "../helpers/admin-gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

const ADMIN = "admin-key-0123456789abcdef";
const GATEWAY = "gateway-key-0123456789ab";

let admin: AdminGateway;

beforeAll(async () => {
  admin = await startAdminGateway({ adminKey: ADMIN, gatewayKey: GATEWAY, answer: "cached answer" });
});
afterAll(() => admin.stop());

const call = (method: string, path: string, key?: string) => admin.call(method, path, key);
const ask = () => admin.ask("admin test question");

describe("refusals", () => {
  testAdminRefusals(
    [
      ["GET", "/api/admin/stats"],
      ["GET", "/api/admin/config"],
      ["POST", "/api/admin/cache/purge"],
      ["DELETE", "/api/admin/cache"],
      ["GET", "/api/admin/anything-else"],
    ],
    () => admin,
    GATEWAY,
  );

  test("a purge without the key leaves the cache intact", async () => {
    await ask();
    expect((await ask()).headers.get("x-isartor-layer")).toBe("l1a");
    expect((await call("POST", "/api/admin/cache/purge", GATEWAY)).status).toBe(401);
    expect((await ask()).headers.get("x-isartor-layer")).toBe("l1a");
  });
});

describe("with the admin key", () => {
  test("stats report cache entries, guard counters and AIMD state, and no secrets", async () => {
    await ask();
    const res = await call("GET", "/api/admin/stats", ADMIN);
    expect(res.status).toBe(200);
    const text = await res.text();
    const stats = JSON.parse(text);
    expect(stats.caches.exact.entries).toBeGreaterThanOrEqual(1);
    expect(stats.guard.auth_enabled).toBe(true);
    expect(stats.guard.auth_failures).toBeGreaterThan(0);
    expect(Object.values(stats.concurrency)[0]).toMatchObject({ limit: expect.any(Number), in_flight: 0 });
    expect(stats.context_optimizer.tokens_saved).toHaveProperty("total");
    for (const secret of [ADMIN, GATEWAY, PROVIDER]) expect(text).not.toContain(secret);
  });

  test("config is shown with every secret masked", async () => {
    const text = await (await call("GET", "/api/admin/config", ADMIN)).text();
    const config = JSON.parse(text);
    expect(config.admin_api_key).toBe("[REDACTED]");
    expect(config.gateway_api_key).toBe("[REDACTED]");
    expect(config.external_llm_api_key).toBe("[REDACTED]");
    expect(config.cache_mode).toBe("exact");
    for (const secret of [ADMIN, GATEWAY, PROVIDER]) expect(text).not.toContain(secret);
  });

  test("purge empties the cache: the next identical request goes upstream again", async () => {
    await ask();
    expect((await ask()).headers.get("x-isartor-layer")).toBe("l1a");
    const res = await call("POST", "/api/admin/cache/purge", ADMIN);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { purged: Record<string, number> };
    expect(body.purged.exact).toBeGreaterThanOrEqual(1);
    expect((await ask()).headers.get("x-isartor-layer")).toBe("l3");
    expect((await call("DELETE", "/api/admin/cache?cache=exact", ADMIN)).status).toBe(200);
    expect((await call("DELETE", "/api/admin/cache?cache=nope", ADMIN)).status).toBe(404);
  });
});

test("with no admin key configured the admin API is 403 for everyone", async () => {
  const closed = await startTestGateway({ ISARTOR__CACHE_MODE: "exact" }, { logSink: () => {} });
  try {
    for (const key of [undefined, "anything"]) {
      const res = await fetch(`${closed.url}/api/admin/cache/purge`, { method: "POST", headers: key ? { "x-api-key": key } : {} });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain("ISARTOR__ADMIN_API_KEY");
    }
  } finally {
    await closed.stop();
  }
});
