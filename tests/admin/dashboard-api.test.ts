// The dashboard's admin API: every new route refuses without the admin key; with it, the numbers
// follow real traffic (an L3 call, then L1a hits), nothing secret comes back, and config edits
// write isartor.toml in place (comments kept, invalid values refused with the key's name).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "smol-toml";
import { PROVIDER_SECRET as PROVIDER, startAdminGateway, testAdminRefusals, type AdminGateway } from "../helpers/admin-gateway.ts";

const ADMIN = "dash-admin-key-0123456789abcdef";
const GATEWAY = "dash-gateway-key-0123456789";
const CONFIG_TEXT = `# dashboard test config — keep this comment
cache_ttl_secs = 300 # five minutes

# local model settings
[layer2]
timeout_seconds = 30
`;

let admin: AdminGateway;
let configFile: string;

beforeAll(async () => {
  configFile = join(mkdtempSync(join(tmpdir(), "isartor-dash-")), "isartor.toml");
  writeFileSync(configFile, CONFIG_TEXT);
  admin = await startAdminGateway({ adminKey: ADMIN, gatewayKey: GATEWAY, answer: "dashboard answer", configFile });
});
afterAll(() => admin.stop());

const call = (method: string, path: string, key?: string, body?: unknown) => admin.call(method, path, key, body);
const adminJson = async (method: string, path: string, body?: unknown) => {
  const res = await call(method, path, ADMIN, body);
  return { status: res.status, body: (await res.json()) as any };
};
const ask = (content: string) => admin.ask(content);

describe("refusals", () => {
  testAdminRefusals(
    [
      ["GET", "/api/admin/overview"],
      ["GET", "/api/admin/providers"],
      ["POST", "/api/admin/providers/test"],
      ["GET", "/api/admin/usage"],
      ["GET", "/api/admin/requests"],
      ["GET", "/api/admin/config/fields"],
      ["POST", "/api/admin/config"],
    ],
    () => admin,
    GATEWAY,
    (method) => (method === "POST" ? { provider: "openai", changes: { cache_ttl_secs: 1 } } : undefined),
  );

  test("a refused config edit leaves isartor.toml untouched", async () => {
    expect((await call("POST", "/api/admin/config", GATEWAY, { changes: { cache_ttl_secs: 1 } })).status).toBe(401);
    expect(readFileSync(configFile, "utf8")).toBe(CONFIG_TEXT);
  });
});

describe("live numbers", () => {
  beforeAll(async () => {
    expect((await ask("what is the dashboard?")).headers.get("x-isartor-layer")).toBe("l3");
    for (let i = 0; i < 2; i++) expect((await ask("what is the dashboard?")).headers.get("x-isartor-layer")).toBe("l1a");
  });

  test("overview counts the L3 call and the L1a hits, per layer and in this minute's bucket", async () => {
    const { status, body } = await adminJson("GET", "/api/admin/overview?minutes=5");
    expect(status).toBe(200);
    expect(body.requests.by_layer.l3).toBeGreaterThanOrEqual(1);
    expect(body.requests.by_layer.l1a).toBeGreaterThanOrEqual(2);
    expect(body.requests.deflection_rate).toBeGreaterThan(0);
    expect(body.caches.exact).toBeGreaterThanOrEqual(1);
    expect(body.series).toHaveLength(5);
    const counted = body.series.reduce((n: number, b: any) => n + (b.counts.l1a ?? 0), 0);
    expect(counted).toBe(body.requests.by_layer.l1a);
    expect(body.saved.deflected).toBeGreaterThanOrEqual(2);
    expect(body.providers[0]).toMatchObject({ name: "openai", keys_total: 1 });
    expect(body.uptime_secs).toBeGreaterThanOrEqual(0);
  });

  test("the request log lists the requests newest first, with layer, model and tokens, and no secrets", async () => {
    const res = await call("GET", "/api/admin/requests?limit=100", ADMIN);
    const text = await res.text();
    const { requests } = JSON.parse(text);
    const chats = requests.filter((r: any) => r.path === "/v1/chat/completions" && r.status === 200);
    expect(chats.slice(0, 3).map((r: any) => r.layer)).toEqual(["l1a", "l1a", "l3"]);
    expect(chats[2]).toMatchObject({ provider: "openai", model: "gpt-4o-mini", tokens_in: 11, tokens_out: 7, key_id: "default" });
    for (const secret of [ADMIN, GATEWAY, PROVIDER]) expect(text).not.toContain(secret);
  });

  test("a streamed L3 answer is logged with stream set and its tokens, once the stream has ended", async () => {
    const res = await fetch(`${admin.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${GATEWAY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "stream it please" }] }),
    });
    const id = res.headers.get("x-request-id");
    await res.text();
    let entry: any;
    for (let i = 0; i < 100 && !entry?.tokens_out; i++) {
      entry = (await adminJson("GET", "/api/admin/requests")).body.requests.find((r: any) => r.id === id);
      if (!entry?.tokens_out) await Bun.sleep(20);
    }
    expect(entry).toMatchObject({ layer: "l3", stream: true, provider: "openai", model: "gpt-4o-mini", tokens_out: 7 });
  });

  test("a refused chat request appears as L0 in the request log", async () => {
    await fetch(`${admin.gateway.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${PROVIDER}` }, body: "{}" });
    const { body } = await adminJson("GET", "/api/admin/requests?limit=5");
    expect(body.requests[0]).toMatchObject({ path: "/v1/chat/completions", status: 401, layer: "l0" });
  });

  test("providers show health and the key pool with the key masked", async () => {
    const res = await call("GET", "/api/admin/providers", ADMIN);
    const text = await res.text();
    expect(text).not.toContain(PROVIDER);
    const [p] = JSON.parse(text).providers;
    expect(p).toMatchObject({ name: "openai", status: "healthy", keys: { available: 1, total: 1 } });
    expect(p.requests).toBeGreaterThanOrEqual(1);
  });

  test("the connectivity test pings the provider's model list; an unknown provider is a 404", async () => {
    const ok = await adminJson("POST", "/api/admin/providers/test", { provider: "openai" });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ provider: "openai", ok: true, models: 1 });
    const missing = await adminJson("POST", "/api/admin/providers/test", { provider: "nope" });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain("openai");
  });

  test("usage sums tokens and cost per provider/model and counts the deflections", async () => {
    const { body } = await adminJson("GET", "/api/admin/usage?days=1");
    expect(body.days).toBe(1);
    expect(body.totals.requests).toBeGreaterThanOrEqual(1);
    expect(body.totals.tokens_in).toBeGreaterThanOrEqual(11);
    expect(body.totals.deflected).toBeGreaterThanOrEqual(2);
    expect(body.by_model[0]).toMatchObject({ provider: "openai", model: "gpt-4o-mini" });
    expect(body.quotas).toEqual([]);
  });
});

describe("configuration", () => {
  test("fields list every setting with its type and the secrets masked", async () => {
    const res = await call("GET", "/api/admin/config/fields", ADMIN);
    const text = await res.text();
    for (const secret of [ADMIN, GATEWAY, PROVIDER]) expect(text).not.toContain(secret);
    const { file, fields } = JSON.parse(text);
    expect(file).toBe(configFile);
    expect(fields.find((f: any) => f.key === "cache_mode")).toMatchObject({ type: "enum", values: ["exact", "semantic", "both"], value: "exact", editable: true });
    expect(fields.find((f: any) => f.key === "admin_api_key")).toMatchObject({ secret: true, value: "[REDACTED]" });
  });

  test("an edit changes the values, keeps the comments and says a restart is needed", async () => {
    const { status, body } = await adminJson("POST", "/api/admin/config", {
      changes: { cache_ttl_secs: "900", "layer2.timeout_seconds": 12, similarity_threshold: "0.9", admin_api_key: "[REDACTED]" },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ file: configFile, restart_required: true, written: ["cache_ttl_secs", "layer2.timeout_seconds", "similarity_threshold"] });
    expect(body.skipped.map((s: any) => s.key)).toEqual(["admin_api_key"]);
    expect(body.message).toContain("restart");
    const text = readFileSync(configFile, "utf8");
    expect(text).toContain("# dashboard test config — keep this comment\n");
    expect(text).toContain("cache_ttl_secs = 900 # five minutes\n");
    expect(text).toContain("# local model settings\n[layer2]\ntimeout_seconds = 12\n");
    expect(text).not.toContain("REDACTED");
    expect(parse(text)).toEqual({ cache_ttl_secs: 900, similarity_threshold: 0.9, layer2: { timeout_seconds: 12 } });
  });

  test("an invalid value is refused with the key's name and nothing is written", async () => {
    const before = readFileSync(configFile, "utf8");
    for (const [changes, key] of [
      [{ cache_ttl_secs: "soon" }, "cache_ttl_secs"],
      [{ cache_mode: "sometimes" }, "cache_mode"],
      [{ similarity_threshold: 3 }, "similarity_threshold"],
      [{ no_such_key: 1 }, "no_such_key"],
      [{ providers: "[]" }, "providers"],
    ] as const) {
      const { status, body } = await adminJson("POST", "/api/admin/config", { changes });
      expect(status).toBe(400);
      expect(body.error.message).toContain(`'${key}'`);
    }
    expect(readFileSync(configFile, "utf8")).toBe(before);
  });

  test("a config file that cannot be written gives a clear error naming it, not a crash", async () => {
    const { editConfigFile } = await import("../../src/admin/config-edit.ts");
    const file = join(mkdtempSync(join(tmpdir(), "isartor-gone-")), "no-such-dir", "isartor.toml");
    expect(() => editConfigFile(file, { changes: { cache_ttl_secs: 2 } })).toThrow(`cannot write beside ${file}`);
  });
});
