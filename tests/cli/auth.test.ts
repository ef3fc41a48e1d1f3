// `isartor auth login` through a real RFC 8628 device flow against a mock authorisation server.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isolatedEnv } from "../helpers/cli.ts";
import { runCliInput } from "../helpers/cli-input.ts";
import { serveLoopback } from "../helpers/mock-server.ts";

const TOKEN = "gho_mockAccessToken1234567890";

function startAuthServer(script: string[]) {
  const polls: URLSearchParams[] = [];
  const devices: URLSearchParams[] = [];
  const server = serveLoopback(async (req) => {
    const form = new URLSearchParams(await req.text());
    const path = new URL(req.url).pathname;
    if (path === "/device/code") {
      devices.push(form);
      return Response.json({ device_code: "dev-123", user_code: "WDJB-MJHT", verification_uri: "https://example.test/device", expires_in: 30, interval: 0 });
    }
    if (path === "/token") {
      polls.push(form);
      const step = script[Math.min(polls.length - 1, script.length - 1)]!;
      if (step === "token") return Response.json({ access_token: TOKEN, token_type: "bearer", expires_in: 3600, refresh_token: "ghr_refresh" });
      return Response.json({ error: step }, { status: 400 });
    }
    return new Response("not found", { status: 404 });
  });
  const base = `http://127.0.0.1:${server.port}`;
  return { base, polls, devices, stop: () => server.stop(true) };
}

describe("isartor auth", () => {
  const servers: { stop(): void }[] = [];
  afterAll(() => servers.forEach((s) => s.stop()));

  test("login polls through authorization_pending until approval, stores an oauth token, never prints it", async () => {
    const auth = startAuthServer(["authorization_pending", "authorization_pending", "token"]);
    servers.push(auth);
    const env = isolatedEnv({ ISARTOR_KEYCHAIN: "off" });
    const r = await runCliInput(["auth", "login", "my-idp", "--device-url", `${auth.base}/device/code`, "--token-url", `${auth.base}/token`, "--client-id", "cid-1", "--scope", "read:user"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("WDJB-MJHT");
    expect(r.stdout).toContain("https://example.test/device");
    expect(r.all).not.toContain(TOKEN);
    expect(auth.devices[0]!.get("client_id")).toBe("cid-1");
    expect(auth.devices[0]!.get("scope")).toBe("read:user");
    expect(auth.polls.length).toBe(3);
    expect(auth.polls[0]!.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:device_code");
    expect(auth.polls[0]!.get("device_code")).toBe("dev-123");
    expect(readFileSync(join(env.HOME!, ".isartor", "tokens.json"), "utf8")).not.toContain(TOKEN);

    const status = JSON.parse((await runCliInput(["auth", "status", "--json"], env)).stdout);
    expect(status.credentials[0]).toMatchObject({ provider: "my-idp", kind: "oauth", source: "device-flow", expired: false });

    const out = await runCliInput(["auth", "logout", "my-idp"], env);
    expect(out.code).toBe(0);
    expect(JSON.parse((await runCliInput(["auth", "status", "--json"], env)).stdout).credentials).toEqual([]);
    expect((await runCliInput(["auth", "logout", "my-idp"], env)).code).toBe(1);
  });

  test("access_denied ends the login with a clear message and stores nothing", async () => {
    const auth = startAuthServer(["authorization_pending", "access_denied"]);
    servers.push(auth);
    const env = isolatedEnv({ ISARTOR_KEYCHAIN: "off" });
    const r = await runCliInput(["auth", "login", "my-idp", "--device-url", `${auth.base}/device/code`, "--token-url", `${auth.base}/token`, "--client-id", "c"], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("denied");
    expect(r.stderr).not.toContain("    at ");
    expect(JSON.parse((await runCliInput(["auth", "status", "--json"], env)).stdout).credentials).toEqual([]);
  });

  test("providers without a device flow take an API key (stdin), and a half-given custom flow is a usage error", async () => {
    const env = isolatedEnv({ ISARTOR_KEYCHAIN: "off" });
    const r = await runCliInput(["auth", "login", "anthropic", "--stdin"], env, "sk-ant-secret-value-123\n");
    expect(r.code).toBe(0);
    expect(r.all).not.toContain("sk-ant-secret-value-123");
    const half = await runCliInput(["auth", "login", "x", "--device-url", "http://127.0.0.1:1/d"], env);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain("--token-url");
  });
});
