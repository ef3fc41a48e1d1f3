// The clients `isartor connect` knows: which settings files each one reads, and what pointing it
// at the gateway changes in them. Each edit is a pure function old text → new text.
import { homedir } from "node:os";
import { join } from "node:path";
import { homePath } from "../../auth/isartor-home.ts";
import { editEnvLines, editJsonc, editToml, readJsonc } from "./file-edits.ts";

export interface ConnectTarget {
  /** gateway base URL without a trailing slash, e.g. http://localhost:8080 */
  url: string;
  /** key clients send (the gateway key, or a placeholder when the gateway has none) */
  key: string;
  model?: string;
}

export interface FileEdit {
  path: string;
  /** new content for connect; undefined old = the file does not exist */
  connect(old: string | undefined): string;
  /** whether the file (as it is now) still points at the gateway */
  connected(current: string | undefined, target: ConnectTarget): boolean;
}

export interface ClientSpec {
  id: string;
  name: string;
  edits(target: ConnectTarget, env: NodeJS.ProcessEnv): FileEdit[];
  /** what the user still has to do, printed after connect */
  next(target: ConnectTarget): string;
}

const has = (text: string | undefined, needle: string) => Boolean(text?.includes(needle));

function envFile(path: string, vars: (t: ConnectTarget) => Record<string, string>, header: string, t: ConnectTarget): FileEdit {
  return {
    path,
    connect: (old) => editEnvLines(old ?? `# ${header}\n`, vars(t), path.endsWith(".sh")),
    connected: (cur, target) => has(cur, target.url),
  };
}

export function vscodeSettingsPath(env: NodeJS.ProcessEnv, platform = process.platform): string {
  const home = env.HOME || homedir();
  if (platform === "darwin") return join(home, "Library", "Application Support", "Code", "User", "settings.json");
  if (platform === "win32") return join(env.APPDATA || join(home, "AppData", "Roaming"), "Code", "User", "settings.json");
  return join(env.XDG_CONFIG_HOME || join(home, ".config"), "Code", "User", "settings.json");
}

const home = (env: NodeJS.ProcessEnv, ...p: string[]) => join(env.HOME || homedir(), ...p);

export const CLIENTS: ClientSpec[] = [
  {
    id: "claude-code",
    name: "Claude Code",
    edits: (t, env) => [
      {
        path: home(env, ".claude", "settings.json"),
        connect: (old) =>
          editJsonc(old, "~/.claude/settings.json", [
            [["env", "ANTHROPIC_BASE_URL"], t.url],
            [["env", "ANTHROPIC_AUTH_TOKEN"], t.key],
            ...(t.model ? ([[["env", "ANTHROPIC_MODEL"], t.model]] as [string[], string][]) : []),
          ]),
        connected: (cur, target) => (readJsonc(cur).env as Record<string, string> | undefined)?.ANTHROPIC_BASE_URL === target.url,
      },
    ],
    next: () => "start a new `claude` session: it now sends every request through Isartor",
  },
  {
    id: "codex",
    name: "OpenAI Codex CLI",
    edits: (t, env) => [
      {
        path: home(env, ".codex", "config.toml"),
        connect: (old) =>
          editToml(old, "~/.codex/config.toml", (table) => {
            table.model_provider = "isartor";
            if (t.model) table.model = t.model;
            const providers = (table.model_providers ??= {}) as Record<string, unknown>;
            providers.isartor = { name: "Isartor", base_url: `${t.url}/v1`, env_key: "ISARTOR_API_KEY", wire_api: "responses" };
          }),
        connected: (cur, target) => has(cur, `${target.url}/v1`) && /model_provider\s*=\s*"isartor"/.test(cur ?? ""),
      },
      envFile(homePath("env", "codex.sh"), (x) => ({ ISARTOR_API_KEY: x.key }), "Isartor for Codex CLI: source this file before running codex", t),
    ],
    next: () => `run \`source ${homePath("env", "codex.sh")}\`, then \`codex\` (provider "isartor", Responses API)`,
  },
  {
    id: "gemini-cli",
    name: "Gemini CLI",
    edits: (t, env) => [
      {
        path: home(env, ".gemini", ".env"),
        connect: (old) => editEnvLines(old, { GOOGLE_GEMINI_BASE_URL: t.url, GEMINI_API_KEY: t.key }),
        connected: (cur, target) => has(cur, `GOOGLE_GEMINI_BASE_URL="${target.url}"`),
      },
    ],
    next: () => "start `gemini`: it reads ~/.gemini/.env and sends requests to Isartor",
  },
  {
    id: "copilot",
    name: "GitHub Copilot (VS Code)",
    edits: (t, env) => [
      {
        path: vscodeSettingsPath(env),
        connect: (old) =>
          editJsonc(old, "VS Code settings.json", [
            [["github.copilot.advanced", "debug.overrideProxyUrl"], t.url],
            [["github.copilot.advanced", "debug.overrideCAPIUrl"], `${t.url}/v1`],
            [["github.copilot.advanced", "debug.chatOverrideProxyUrl"], `${t.url}/v1/chat/completions`],
          ]),
        connected: (cur, target) => (readJsonc(cur)["github.copilot.advanced"] as Record<string, string> | undefined)?.["debug.overrideProxyUrl"] === target.url,
      },
    ],
    next: () => "reload VS Code (Developer: Reload Window). These debug.* overrides are internal Copilot settings and may change with extension updates",
  },
  {
    id: "opencode",
    name: "OpenCode",
    edits: (t, env) => [
      {
        path: join(env.XDG_CONFIG_HOME || home(env, ".config"), "opencode", "opencode.json"),
        connect: (old) =>
          editJsonc(old, "opencode.json", [
            [["$schema"], readJsonc(old).$schema ?? "https://opencode.ai/config.json"],
            [["provider", "isartor"], { npm: "@ai-sdk/openai-compatible", name: "Isartor", options: { baseURL: `${t.url}/v1`, apiKey: t.key }, models: { [t.model ?? "gpt-4o-mini"]: {} } }],
          ]),
        connected: (cur, target) => has(cur, `${target.url}/v1`),
      },
    ],
    next: (t) => `in OpenCode pick the model "isartor/${t.model ?? "gpt-4o-mini"}" (/models)`,
  },
  {
    id: "cursor",
    name: "Cursor",
    edits: (t) => [envFile(homePath("env", "cursor.sh"), (x) => ({ ISARTOR_CURSOR_BASE_URL: `${x.url}/v1`, ISARTOR_CURSOR_API_KEY: x.key }), "Isartor for Cursor: the values to paste into Cursor's model settings", t)],
    next: (t) =>
      `Cursor keeps its model settings in its own database, so set them by hand: Settings → Models → ` +
      `"Override OpenAI Base URL" = ${t.url}/v1 and "OpenAI API Key" = the key in ${homePath("env", "cursor.sh")}. ` +
      `Cursor calls the URL from its servers: it must be reachable from the internet (a tunnel or public host with TLS)`,
  },
  {
    id: "env",
    name: "OpenAI / Anthropic / Gemini SDKs (environment)",
    edits: (t) => [
      envFile(
        homePath("env", "isartor.sh"),
        (x) => ({ OPENAI_BASE_URL: `${x.url}/v1`, OPENAI_API_KEY: x.key, ANTHROPIC_BASE_URL: x.url, ANTHROPIC_API_KEY: x.key, GOOGLE_GEMINI_BASE_URL: x.url, GEMINI_API_KEY: x.key }),
        "Isartor: SDK environment; add `source ~/.isartor/env/isartor.sh` to your shell profile",
        t,
      ),
    ],
    next: () => `run \`source ${homePath("env", "isartor.sh")}\` (or add it to ~/.bashrc / ~/.zshrc)`,
  },
];

export function clientById(id: string): ClientSpec | undefined {
  return CLIENTS.find((c) => c.id === id || (id === "claude" && c.id === "claude-code") || (id === "gemini" && c.id === "gemini-cli"));
}
