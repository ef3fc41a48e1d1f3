// `isartor setup`: first-run wizard (provider, key, cache mode, gateway key, models), or the same
// answers as flags for scripts. Writes isartor.toml in place (comments kept) and the key into the
// encrypted token store — never into the file.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { homePath, writePrivateFile } from "../auth/isartor-home.ts";
import { TokenStore } from "../auth/token-store.ts";
import { ConfigError, findConfigFile, loadConfig } from "../config/load.ts";
import { editToml, type TomlScalar } from "../config/toml-edit.ts";
import { VENDORS, vendor } from "../providers/registry.ts";
import { readSecret } from "./credential-input.ts";
import { CliError, EXIT, paint } from "./output.ts";
import { Prompter } from "./prompt.ts";

export const SETUP_HELP = `isartor setup [--non-interactive] [--provider P] [--model M] [--base-url URL]
              [--key-env VAR | --key-stdin] [--cache-mode both|exact|semantic]
              [--gateway-key generate|none] [--pull-models] [--config FILE]
  First-run wizard: asks for the provider, its key, the cache mode and whether clients must send
  a gateway key, then writes isartor.toml (default ~/.isartor/isartor.toml; an existing file is
  edited in place, comments kept) and stores the provider key in the encrypted token store.
  Every question has a flag; --non-interactive never asks (missing answers take the defaults).
  Answers can also be piped, one per line.

  Examples:
    isartor setup
    isartor setup --non-interactive --provider anthropic --key-env ANTHROPIC_API_KEY --cache-mode both
    isartor setup --non-interactive --provider ollama --model llama3.2`;

const COMMON = ["openai", "anthropic", "gemini", "groq", "mistral", "deepseek", "openrouter", "azure", "ollama", "lmstudio", "vllm", "custom"];
const CACHE_MODES = ["both", "exact", "semantic"] as const;

const OPTIONS = {
  "non-interactive": { type: "boolean" },
  provider: { type: "string" },
  model: { type: "string" },
  "base-url": { type: "string" },
  "key-env": { type: "string" },
  "key-stdin": { type: "boolean" },
  "cache-mode": { type: "string" },
  "gateway-key": { type: "string" },
  "pull-models": { type: "boolean" },
  config: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function setup(argv: string[]): Promise<number> {
  const { values: v } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  if (v.help) return (console.log(SETUP_HELP), 0);
  const scripted = Boolean(v["non-interactive"]);
  const ask = new Prompter();
  const answer = async (flag: string | undefined, question: () => Promise<string>, def: string) => flag ?? (scripted ? def : await question());

  if (!scripted) console.log(paint("Isartor setup", "bold") + " — press Enter to take the [default]\n");
  const provider = await answer(v.provider, () => ask.ask(`Provider (${COMMON.join(", ")}, or any of ${Object.keys(VENDORS).length} known)`, { default: "openai" }), "openai");
  const spec = vendor(provider);
  if (!spec) throw new CliError(`unknown provider '${provider}'; known: ${Object.keys(VENDORS).join(", ")}`, EXIT.usage);
  const baseUrl = spec.baseUrl ? v["base-url"] : await answer(v["base-url"], () => ask.ask(`Base URL of your ${provider} endpoint`), "");
  if (!spec.baseUrl && !baseUrl) throw new CliError(`${provider} has no public endpoint: give --base-url`, EXIT.usage);
  const model = await answer(v.model, () => ask.ask("Default model", { default: spec.defaultModel }), spec.defaultModel);

  let key: { secret: string; source: string } | undefined;
  if (spec.keyRequired) {
    if (v["key-env"] || v["key-stdin"]) key = await readSecret({ fromEnv: v["key-env"], stdin: v["key-stdin"], label: "" });
    else if (!scripted) {
      const typed = await ask.ask(`API key for ${provider} (kept encrypted in the token store; Enter to skip${spec.keyEnv ? `, or set ${spec.keyEnv} later` : ""})`, { secret: true, default: "" });
      if (typed) key = { secret: typed, source: "setup" };
    }
  }
  const cacheMode = await answer(v["cache-mode"], () => ask.choose("Cache mode", CACHE_MODES, "both"), "both");
  if (!(CACHE_MODES as readonly string[]).includes(cacheMode)) throw new CliError(`--cache-mode must be one of ${CACHE_MODES.join(", ")}`, EXIT.usage);
  const gatewayKey = await answer(v["gateway-key"], async () => ((await ask.confirm("Require clients to send a gateway key (recommended when others can reach this host)", false)) ? "generate" : "none"), "none");
  if (gatewayKey !== "generate" && gatewayKey !== "none") throw new CliError("--gateway-key takes generate or none", EXIT.usage);
  const pull = v["pull-models"] ?? (scripted ? false : cacheMode !== "exact" && (await ask.confirm("Download the embedding model for the semantic cache now", true)));

  const path = v.config ?? findConfigFile({}) ?? homePath("isartor.toml");
  const settings: Record<string, TomlScalar> = {
    llm_provider: provider,
    external_llm_model: model,
    cache_mode: cacheMode,
    ...(baseUrl ? { external_llm_base_url: baseUrl } : {}),
  };
  if (gatewayKey === "generate") settings.gateway_api_key = `isk-${randomBytes(24).toString("base64url")}`;
  const before = existsSync(path) ? readFileSync(path, "utf8") : "# isartor.toml — written by `isartor setup`; edit freely, comments are kept.\n";
  const after = editToml(before, settings);
  const temp = `${path}.setup-${process.pid}.tmp`;
  writePrivateFile(temp, after);
  try {
    // the exact text about to be written must load
    loadConfig({ configPath: temp, env: {}, cwd: dirname(path) });
  } catch (err) {
    rmSync(temp, { force: true });
    if (err instanceof ConfigError) throw new CliError(`${path} would not load after the change (${err.message.replaceAll(temp, path)}); fix the file first`, EXIT.usage);
    throw err;
  }
  renameSync(temp, path);
  console.log(`${paint("wrote", "green")} ${path}`);
  if (key) {
    const store = TokenStore.open();
    store.set(provider, { type: "api_key", secret: key.secret, source: key.source });
    store.save();
    console.log(`stored the ${provider} key in the encrypted token store (key in ${store.protectedBy})`);
  } else if (spec.keyRequired) console.log(`no key stored: run \`isartor set-key ${provider}\` or set ${spec.keyEnv ?? "ISARTOR__EXTERNAL_LLM_API_KEY"}`);
  if (settings.gateway_api_key) console.log("clients must now send the gateway key written to isartor.toml (`isartor connect <client>` sets it up for them)");
  if (pull) {
    const { models } = await import("./models.ts");
    const code = await models(["pull", ...(v.config ? ["--config", path] : [])]);
    if (code !== 0) console.log(paint("the model download failed; run `isartor models pull` later (or import it offline)", "yellow"));
  }
  console.log(`\nnext: ${paint("isartor up", "bold")} then ${paint("isartor connect claude-code", "bold")} (or codex, cursor, gemini-cli, copilot, opencode, env)`);
  return 0;
}
