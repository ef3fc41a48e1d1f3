// GET /openapi.json: an OpenAPI 3 document listing the gateway's routes, behind the auth gate; no UI
// page (its assets would come from a CDN).
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { RunningGateway } from "../../../src/server/server.ts";
import { startTestGateway } from "../../helpers/gateway.ts";

const KEY = "gw-openapi-key-123456";
let gateway: RunningGateway;
beforeAll(async () => {
  gateway = await startTestGateway({ ISARTOR__GATEWAY_API_KEY: KEY, ISARTOR__CACHE_MODE: "exact" });
});
afterAll(() => gateway.stop());

test("lists every public surface with its methods", async () => {
  const res = await fetch(`${gateway.url}/openapi.json`, { headers: { authorization: `Bearer ${KEY}` } });
  expect(res.status).toBe(200);
  const spec = (await res.json()) as { openapi: string; info: { version: string }; paths: Record<string, Record<string, unknown>> };
  expect(spec.openapi).toStartWith("3.");
  expect(spec.info.version).toBe(gateway.services.version);
  const methods = (path: string) => Object.keys(spec.paths[path] ?? {}).sort();
  expect(methods("/v1/chat/completions")).toEqual(["post"]);
  expect(methods("/v1/messages")).toEqual(["post"]);
  expect(methods("/api/chat")).toEqual(["post"]);
  expect(methods("/v1/models")).toEqual(["get"]);
  expect(methods("/metrics")).toEqual(["get"]);
  expect(methods("/health")).toEqual(["get"]);
  expect(Object.keys(spec.paths).some((p) => p.startsWith("/v1beta/models"))).toBe(true);
  expect(spec.paths["/openapi.json"]).toBeUndefined();
});

test("needs the gateway key like any non-health route; no UI page is served", async () => {
  expect((await fetch(`${gateway.url}/openapi.json`)).status).toBe(401);
  expect((await fetch(`${gateway.url}/openapi`, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(404);
});
