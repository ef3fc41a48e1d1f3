// `isartor connect` / `disconnect` / `connect status` against temp homes: files written, comments
// kept, backups restored byte for byte, --dry-run writes nothing, gateway keys never printed.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { isolatedEnv } from "../helpers/cli.ts";
import { runCliInput } from "../helpers/cli-input.ts";

const URL = "http://127.0.0.1:18080";

function put(path: string, text: string) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const CLAUDE_SETTINGS = `{
  // my own comment
  "permissions": { "allow": ["Bash(ls:*)"] },
  "env": { "FOO": "bar" },
}
`;

describe("isartor connect", () => {
  test("claude-code: env set, comments and other settings kept, disconnect restores the original bytes", async () => {
    const env = isolatedEnv();
    const file = join(env.HOME!, ".claude", "settings.json");
    put(file, CLAUDE_SETTINGS);
    const r = await runCliInput(["connect", "claude-code", "--url", URL], env);
    expect(r.code).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text).toContain("// my own comment");
    expect(text).toContain('"FOO": "bar"');
    expect(text).toContain(`"ANTHROPIC_BASE_URL": "${URL}"`);
    expect(text).toContain('"ANTHROPIC_AUTH_TOKEN": "isartor-local"');

    const status = JSON.parse((await runCliInput(["connect", "status", "--json"], env)).stdout);
    expect(status.find((s: { client: string }) => s.client === "claude-code")).toMatchObject({ connected: true, settings_intact: true, url: URL, gateway_up: false });
    expect(status.find((s: { client: string }) => s.client === "codex")).toMatchObject({ connected: false });

    expect((await runCliInput(["disconnect", "claude-code"], env)).code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(CLAUDE_SETTINGS);
    expect((await runCliInput(["disconnect", "claude-code"], env)).code).toBe(1);
  });

  test("--dry-run prints a diff, writes nothing, and masks a real gateway key", async () => {
    const env = isolatedEnv({ ISARTOR__GATEWAY_API_KEY: "gw-real-secret-key-42" });
    const r = await runCliInput(["connect", "claude-code", "--url", URL, "--dry-run"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`+    "ANTHROPIC_BASE_URL": "${URL}"`);
    expect(r.stdout).toContain("********");
    expect(r.all).not.toContain("gw-real-secret-key-42");
    expect(existsSync(join(env.HOME!, ".claude"))).toBe(false);
    expect(existsSync(join(env.HOME!, ".isartor", "connect"))).toBe(false);
    // the real connect writes the real key, where the client needs it
    await runCliInput(["connect", "claude-code", "--url", URL], env);
    expect(readFileSync(join(env.HOME!, ".claude", "settings.json"), "utf8")).toContain("gw-real-secret-key-42");
  });

  test("codex: provider table in config.toml (Responses API) + env file; files it created are removed again", async () => {
    const env = isolatedEnv();
    const r = await runCliInput(["connect", "codex", "--url", URL, "--model", "gpt-5-codex"], env);
    expect(r.code).toBe(0);
    const config = parseToml(readFileSync(join(env.HOME!, ".codex", "config.toml"), "utf8")) as any;
    expect(config.model_provider).toBe("isartor");
    expect(config.model).toBe("gpt-5-codex");
    expect(config.model_providers.isartor).toEqual({ name: "Isartor", base_url: `${URL}/v1`, env_key: "ISARTOR_API_KEY", wire_api: "responses" });
    expect(readFileSync(join(env.HOME!, ".isartor", "env", "codex.sh"), "utf8")).toContain('export ISARTOR_API_KEY="isartor-local"');
    expect((await runCliInput(["disconnect", "codex"], env)).code).toBe(0);
    expect(existsSync(join(env.HOME!, ".codex", "config.toml"))).toBe(false);
    expect(existsSync(join(env.HOME!, ".isartor", "env", "codex.sh"))).toBe(false);
  });

  test("gemini-cli .env lines replaced in place; copilot VS Code settings (JSONC) under XDG_CONFIG_HOME", async () => {
    const env = isolatedEnv();
    env.XDG_CONFIG_HOME = join(env.HOME!, "xdg");
    const dotenv = join(env.HOME!, ".gemini", ".env");
    put(dotenv, "# mine\nGEMINI_API_KEY=old\nOTHER=1\n");
    expect((await runCliInput(["connect", "gemini-cli", "--url", URL], env)).code).toBe(0);
    expect(readFileSync(dotenv, "utf8")).toBe(`# mine\nGEMINI_API_KEY="isartor-local"\nOTHER=1\nGOOGLE_GEMINI_BASE_URL="${URL}"\n`);

    const vscode = join(env.XDG_CONFIG_HOME, "Code", "User", "settings.json");
    put(vscode, '{\n  // editor\n  "editor.fontSize": 14,\n}\n');
    expect((await runCliInput(["connect", "copilot", "--url", URL], env)).code).toBe(0);
    const text = readFileSync(vscode, "utf8");
    expect(text).toContain("// editor");
    expect(text).toContain(`"debug.overrideProxyUrl": "${URL}"`);
    expect(text).toContain(`"debug.chatOverrideProxyUrl": "${URL}/v1/chat/completions"`);
    expect((await runCliInput(["disconnect", "copilot"], env)).code).toBe(0);
    expect(readFileSync(vscode, "utf8")).toBe('{\n  // editor\n  "editor.fontSize": 14,\n}\n');
  });

  test("opencode, cursor and env write their files; reconnecting keeps the first backup", async () => {
    const env = isolatedEnv();
    env.XDG_CONFIG_HOME = join(env.HOME!, "xdg");
    const oc = join(env.XDG_CONFIG_HOME, "opencode", "opencode.json");
    put(oc, '{ "theme": "dark" }\n');
    expect((await runCliInput(["connect", "opencode", "--url", URL], env)).code).toBe(0);
    expect((await runCliInput(["connect", "opencode", "--url", "http://127.0.0.1:19999"], env)).code).toBe(0);
    const conf = JSON.parse(readFileSync(oc, "utf8"));
    expect(conf.theme).toBe("dark");
    expect(conf.provider.isartor.options.baseURL).toBe("http://127.0.0.1:19999/v1");
    await runCliInput(["disconnect", "opencode"], env);
    expect(readFileSync(oc, "utf8")).toBe('{ "theme": "dark" }\n');

    const cursor = await runCliInput(["connect", "cursor", "--url", URL], env);
    expect(cursor.stdout).toContain("Override OpenAI Base URL");
    expect(readFileSync(join(env.HOME!, ".isartor", "env", "cursor.sh"), "utf8")).toContain(`${URL}/v1`);
    await runCliInput(["connect", "env", "--url", URL], env);
    const sh = readFileSync(join(env.HOME!, ".isartor", "env", "isartor.sh"), "utf8");
    expect(sh).toContain(`export OPENAI_BASE_URL="${URL}/v1"`);
    expect(sh).toContain(`export ANTHROPIC_BASE_URL="${URL}"`);
  });

  test("bad input: unknown client, malformed settings file, bad URL — clear errors, nothing written", async () => {
    const env = isolatedEnv();
    const unknown = await runCliInput(["connect", "emacs"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("claude-code");
    put(join(env.HOME!, ".claude", "settings.json"), "[1, 2");
    const broken = await runCliInput(["connect", "claude-code", "--url", URL], env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("not a JSON object");
    expect(readFileSync(join(env.HOME!, ".claude", "settings.json"), "utf8")).toBe("[1, 2");
    const url = await runCliInput(["connect", "env", "--url", "localhost:8080"], env);
    expect(url.code).toBe(2);
  });
});
