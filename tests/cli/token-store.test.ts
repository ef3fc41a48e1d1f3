// set-key and the encrypted token store, run as real subprocesses against temp homes.
import { describe, expect, test, afterAll } from "bun:test";
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { isolatedEnv, spawnUp } from "../helpers/cli.ts";
import { runCliInput } from "../helpers/cli-input.ts";
import { startMockOpenAI } from "../helpers/mock-openai-upstream.ts";

const SECRET = "sk-test-0123456789abcdefSECRET";

describe("isartor set-key", () => {
  test("stores the key encrypted, 0600, the key kept in a separate file, never printed", async () => {
    const env = isolatedEnv({ ISARTOR_KEYCHAIN: "off" });
    const r = await runCliInput(["set-key", "openai", "--stdin"], env, SECRET + "\n");
    expect(r.code).toBe(0);
    expect(r.all).not.toContain(SECRET);
    const store = join(env.HOME!, ".isartor", "tokens.json");
    const keyFile = join(env.HOME!, ".isartor", "keys", "token-store.key");
    expect(readFileSync(store, "utf8")).not.toContain(SECRET);
    expect(readFileSync(store, "utf8")).not.toContain("sk-test");
    expect(statSync(store).mode & 0o777).toBe(0o600);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(store, "utf8")).not.toContain(readFileSync(keyFile, "utf8").trim());

    const status = await runCliInput(["auth", "status", "--json"], env);
    expect(status.code).toBe(0);
    expect(status.all).not.toContain(SECRET);
    const parsed = JSON.parse(status.stdout);
    expect(parsed.protected_by).toBe("file");
    expect(parsed.credentials).toEqual([expect.objectContaining({ provider: "openai", kind: "api_key", source: "stdin" })]);
  });

  test("--from-env reads the variable; a missing variable is a clear usage error", async () => {
    const env = isolatedEnv({ ISARTOR_KEYCHAIN: "off", MY_KEY: SECRET });
    expect((await runCliInput(["set-key", "anthropic", "--from-env", "MY_KEY"], env)).code).toBe(0);
    const bad = await runCliInput(["set-key", "anthropic", "--from-env", "NOPE"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("NOPE");
    expect(bad.stderr).not.toContain("    at ");
  });

  test("without its key the store cannot be read, and says which key is missing", async () => {
    const env = isolatedEnv({ ISARTOR_KEYCHAIN: "off" });
    await runCliInput(["set-key", "openai", "--stdin"], env, SECRET);
    rmSync(join(env.HOME!, ".isartor", "keys"), { recursive: true });
    const r = await runCliInput(["auth", "status"], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("token-store.key");
    expect(r.all).not.toContain(SECRET);
  });

  test("a tampered store is refused (authenticated encryption)", async () => {
    const env = isolatedEnv({ ISARTOR_KEYCHAIN: "off" });
    await runCliInput(["set-key", "openai", "--stdin"], env, SECRET);
    const store = join(env.HOME!, ".isartor", "tokens.json");
    const file = JSON.parse(readFileSync(store, "utf8"));
    const data = Buffer.from(file.data, "base64");
    data[0] = data[0]! ^ 1;
    file.data = data.toString("base64");
    writeFileSync(store, JSON.stringify(file));
    const r = await runCliInput(["auth", "status"], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("tampered");
  });

  test("ISARTOR_STORE_PASSPHRASE seals with the passphrase; a wrong one cannot decrypt", async () => {
    const env = isolatedEnv({ ISARTOR_KEYCHAIN: "off", ISARTOR_STORE_PASSPHRASE: "correct horse battery" });
    expect((await runCliInput(["set-key", "openai", "--stdin"], env, SECRET)).code).toBe(0);
    expect(existsSync(join(env.HOME!, ".isartor", "keys"))).toBe(false);
    expect(JSON.parse(readFileSync(join(env.HOME!, ".isartor", "tokens.json"), "utf8")).key_source).toBe("passphrase");
    const wrong = await runCliInput(["auth", "status"], { ...env, ISARTOR_STORE_PASSPHRASE: "wrong passphrase!" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("cannot decrypt");
    const none = await runCliInput(["auth", "status"], { ...env, ISARTOR_STORE_PASSPHRASE: "" });
    expect(none.stderr).toContain("ISARTOR_STORE_PASSPHRASE");
  });

  test("an OS keychain (secret-tool) keeps the key when one is available: no key file is written", async () => {
    if (process.platform !== "linux") return console.log("skipped: the secret-tool keychain path is Linux-only");
    const env = isolatedEnv();
    const bin = join(env.HOME!, "bin");
    mkdirSync(bin);
    const vault = join(env.HOME!, "vault");
    // a stand-in for libsecret's CLI with the same arguments and behaviour
    writeFileSync(join(bin, "secret-tool"), `#!/bin/sh\ncase "$1" in store) cat > "${vault}" ;; lookup) [ -f "${vault}" ] && cat "${vault}" || exit 1 ;; esac\n`);
    chmodSync(join(bin, "secret-tool"), 0o755);
    const withKeychain = { ...env, PATH: `${bin}:${env.PATH}` };
    expect((await runCliInput(["set-key", "openai", "--stdin"], withKeychain, SECRET)).code).toBe(0);
    expect(existsSync(join(env.HOME!, ".isartor", "keys", "token-store.key"))).toBe(false);
    expect(existsSync(vault)).toBe(true);
    const status = await runCliInput(["auth", "status", "--json"], withKeychain);
    expect(JSON.parse(status.stdout).protected_by).toBe("keychain");
  });
});

describe("isartor up uses stored keys", () => {
  const upstream = startMockOpenAI([{ text: "hi from upstream" }]);
  afterAll(() => upstream.stop());

  test("a provider without a configured key gets the token store's", async () => {
    const env = isolatedEnv({ ISARTOR_KEYCHAIN: "off", ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url, ISARTOR__CACHE_MODE: "exact", ISARTOR__LOG_LEVEL: "warn" });
    await runCliInput(["set-key", "openai", "--stdin"], env, SECRET);
    const gw = await spawnUp([], env);
    try {
      const res = await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] }) });
      expect(res.status).toBe(200);
      expect(upstream.requests.at(-1)!.headers.get("authorization")).toBe(`Bearer ${SECRET}`);
    } finally {
      gw.proc.kill("SIGTERM");
      const out = await gw.output();
      expect(out).toContain("keys from token store: openai");
      expect(out).not.toContain(SECRET);
    }
  });
});

test("isartor check --json shows a stored key as masked, with token-store as its source", async () => {
  const env = isolatedEnv({ ISARTOR_KEYCHAIN: "off" });
  await runCliInput(["set-key", "openai", "--stdin"], env, SECRET);
  const r = await runCliInput(["check", "--json"], env);
  expect(r.code).toBe(0);
  expect(r.all).not.toContain(SECRET);
  const row = JSON.parse(r.stdout).find((x: { key: string }) => x.key === "external_llm_api_key");
  expect(row).toMatchObject({ source: "token-store" });
  expect(row.value).not.toContain("sk-");
});
