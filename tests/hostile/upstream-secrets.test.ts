// An upstream that echoes every credential it was sent (and some it was not) in its error text: no
// surface may carry any configured secret afterwards, whatever its length or where it was configured
// (gateway keys, admin key, pooled provider keys, provider `headers` values). Surfaces grepped: the
// client's error bodies (stream and non-stream), /health with and without the admin key, every
// admin GET route, `isartor providers`, `isartor check`, usage.jsonl and every log line.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { startFaultUpstream, type FaultUpstream } from "../helpers/fault-upstream.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { isolatedEnv, runCli } from "../helpers/cli.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { discoverRoutes } from "./routes.ts";

const GATEWAY_KEY = "gw-key-for-secrets-0123456789";
const TENANT_KEY = "tenant-key-secret-abcdefgh";
const ADMIN_KEY = "admin-key-secrets-0123456789";
const LONG_PROVIDER_KEY = "live-provider-key-aaaabbbbccccdddd";
const SHORT_PROVIDER_KEY = "k5x9q";
const PORTKEY_HEADER = "pk-portkey-header-secret-77";
const SHORT_HEADER = "zq7";
const SECRETS = [GATEWAY_KEY, TENANT_KEY, ADMIN_KEY, LONG_PROVIDER_KEY, SHORT_PROVIDER_KEY, PORTKEY_HEADER, SHORT_HEADER];
const ECHO = `Incorrect API key provided: ${SECRETS.join(" / ")} (x-portkey-api-key: ${PORTKEY_HEADER}, x-auth: ${SHORT_HEADER}, key=${SHORT_PROVIDER_KEY})`;

let up: FaultUpstream;
let gateway: RunningGateway;
const logs: string[] = [];
const surfaces: Record<string, string> = {};
let env: Record<string, string>;

const auth = { authorization: `Bearer ${GATEWAY_KEY}`, "content-type": "application/json" };
const ask = (content: string, stream = false) => JSON.stringify({ model: "gpt-4o-mini", stream, messages: [{ role: "user", content }] });

beforeAll(async () => {
  up = await startFaultUpstream("echo");
  env = {
    ISARTOR__GATEWAY_API_KEY: GATEWAY_KEY,
    ISARTOR__GATEWAY_KEYS: JSON.stringify([{ id: "tenant-a", key: TENANT_KEY }]),
    ISARTOR__ADMIN_API_KEY: ADMIN_KEY,
    ISARTOR__PROVIDERS: JSON.stringify([
      {
        name: "echo",
        vendor: "custom",
        base_url: up.url,
        api_keys: [LONG_PROVIDER_KEY, SHORT_PROVIDER_KEY],
        headers: { "X-Portkey-Api-Key": PORTKEY_HEADER, "X-Auth": SHORT_HEADER },
        timeout_secs: 10,
      },
    ]),
    ISARTOR__CACHE_MODE: "exact",
    ISARTOR__RETRY__MAX_RETRIES: "1",
    ISARTOR__RETRY__BASE_DELAY_MS: "5",
    ISARTOR__CIRCUIT_BREAKER__FAILURE_THRESHOLD: "0",
    // keys that got 401 stay usable, so every request below reaches the upstream
    ISARTOR__KEY_COOLDOWN_SECS: "0",
    ISARTOR__PROVIDER_HEALTH_CHECK_INTERVAL_SECS: "0",
    ISARTOR__LOG_LEVEL: "debug",
  };
  gateway = await startTestGateway(env, { logSink: (line) => logs.push(line) });

  // 401 echo (both keys), then 500 and 429 echoes, non-stream and stream
  up.script = [
    { kind: "status", status: 401, message: ECHO },
    { kind: "status", status: 401, message: ECHO },
  ];
  const r1 = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: auth, body: ask("first") });
  surfaces["client error (401 echo)"] = await r1.text();
  expect(r1.status).toBeGreaterThanOrEqual(400);
  up.script = [
    { kind: "status", status: 500, message: ECHO },
    { kind: "status", status: 500, message: ECHO },
  ];
  const r2 = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: auth, body: ask("second", true) });
  surfaces["client error (stream, 500 echo)"] = await r2.text();
  up.script = [{ kind: "stream_error", message: ECHO }];
  const r4 = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: auth, body: ask("fourth", true) });
  surfaces["client stream (mid-stream error echo)"] = await r4.text();
  expect(surfaces["client stream (mid-stream error echo)"]).toContain("partial");
  up.script = [{ kind: "status", status: 429, message: ECHO, retryAfter: "1" }, { kind: "status", status: 429, message: ECHO, retryAfter: "1" }];
  const r3 = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { ...auth, authorization: `Bearer ${TENANT_KEY}` }, body: ask("third") });
  surfaces["client error (429 echo)"] = await r3.text();

  surfaces["/health"] = await (await fetch(`${gateway.url}/health`)).text();
  surfaces["/health (admin key)"] = await (await fetch(`${gateway.url}/health`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
  for (const route of discoverRoutes().filter((r) => r.method === "GET" && r.path.startsWith("/api/admin"))) {
    const res = await fetch(`${gateway.url}${route.path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    surfaces[`GET ${route.path} (${res.status})`] = await res.text();
  }
  const cliEnv = isolatedEnv({ ISARTOR__ADMIN_API_KEY: ADMIN_KEY, ISARTOR__PROVIDERS: env.ISARTOR__PROVIDERS!, ISARTOR__GATEWAY_KEYS: env.ISARTOR__GATEWAY_KEYS!, ISARTOR__GATEWAY_API_KEY: GATEWAY_KEY });
  const providersCli = await runCli(["providers", "--url", gateway.url], cliEnv);
  surfaces["isartor providers"] = providersCli.stdout + providersCli.stderr;
  const providersJson = await runCli(["providers", "--url", gateway.url, "--json"], cliEnv);
  surfaces["isartor providers --json"] = providersJson.stdout + providersJson.stderr;
  const check = await runCli(["check"], cliEnv);
  surfaces["isartor check"] = check.stdout + check.stderr;
  await gateway.services.providers.usage.flush();
  surfaces["usage.jsonl"] = readFileSync(gateway.services.providers.usage.path, "utf8");
  await gateway.stop();
  surfaces["log lines"] = logs.join("\n");
}, 120_000);
afterAll(() => up.stop());

test("every scripted upstream reply was used", () => {
  expect(up.script).toEqual([]);
  expect(up.requests.length).toBe(7);
});

test("the upstream really was sent the secrets it echoed, and every surface was collected", () => {
  const sent = up.requests.map((r) => `${r.headers.authorization} ${r.headers["x-portkey-api-key"]} ${r.headers["x-auth"]}`).join(" ");
  expect(sent).toContain(LONG_PROVIDER_KEY);
  expect(sent).toContain(SHORT_PROVIDER_KEY);
  expect(sent).toContain(PORTKEY_HEADER);
  expect(surfaces["usage.jsonl"]).toContain('"error"');
  expect(surfaces["/health (admin key)"]).toContain("last_error");
  expect(surfaces["isartor providers"]).toContain("echo");
  expect(surfaces["isartor check"]).toContain("configuration OK");
  expect(Object.keys(surfaces).filter((k) => k.startsWith("GET /api/admin")).length).toBeGreaterThan(2);
});

for (const secret of SECRETS) {
  test(`no surface carries the secret '${secret.slice(0, 2)}…' (${secret.length} chars)`, () => {
    const leaks = Object.entries(surfaces)
      .filter(([, text]) => new RegExp(`(?<![A-Za-z0-9_-])${secret}(?![A-Za-z0-9_-])`).test(text))
      .map(([name]) => name);
    expect(leaks).toEqual([]);
  });
}

test("unauthenticated /health says a provider failed, but not the upstream's words", () => {
  const health = JSON.parse(surfaces["/health"]!);
  const echo = health.providers.find((p: { name: string }) => p.name === "echo");
  expect(echo.errors).toBeGreaterThan(0);
  expect(echo.last_error_at).toBeString();
  expect(echo.last_error).toBeUndefined();
  expect(JSON.parse(surfaces["/health (admin key)"]!).providers[0].last_error).toContain("[REDACTED]");
});

test("isartor check and the admin config show no character of a secret, nor its length", () => {
  expect(surfaces["isartor check"]).not.toMatch(/\(\d+ chars\)/);
  for (const secret of [LONG_PROVIDER_KEY, GATEWAY_KEY, ADMIN_KEY]) {
    expect(surfaces["isartor check"]).not.toContain(secret.slice(0, 3) + "…");
    expect(surfaces["isartor check"]).not.toContain("…" + secret.slice(-2));
  }
  const config = JSON.parse(surfaces["GET /api/admin/config (200)"]!);
  expect(config.providers[0].headers).toEqual({ "X-Portkey-Api-Key": "[REDACTED]", "X-Auth": "[REDACTED]" });
});
