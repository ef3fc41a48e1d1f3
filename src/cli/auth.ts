// `isartor auth login|logout|status`: provider credentials in the encrypted token store; device
// login (RFC 8628) for providers that offer it, an API-key prompt for the others.
import { parseArgs } from "node:util";
import { DEVICE_FLOW_PROVIDERS, pollForToken, requestDeviceCode, type DeviceFlowEndpoints } from "../auth/device-flow.ts";
import { describeSecret, TokenStore, tokenStorePath } from "../auth/token-store.ts";
import { checkProviderName, readSecret } from "./credential-input.ts";
import { CliError, EXIT, paint, printJson, printTable } from "./output.ts";

export const AUTH_HELP = `isartor auth <login|logout|status> [provider] [options]
  login <provider>   device login where the provider offers one (github-copilot), otherwise store an
                     API key (--from-env VAR | --stdin | prompt). A custom OAuth server:
                     --device-url URL --token-url URL --client-id ID [--scope S]
  logout <provider>  forget the provider's credential (--all: every credential)
  status [--json]    list stored credentials (kind, source, expiry; never the secret) and how the
                     store is protected (OS keychain, key file, or ISARTOR_STORE_PASSPHRASE)

  Examples:
    isartor auth login github-copilot
    isartor auth login openai --from-env OPENAI_API_KEY
    isartor auth status --json`;

const OPTIONS = {
  "from-env": { type: "string" },
  stdin: { type: "boolean" },
  "device-url": { type: "string" },
  "token-url": { type: "string" },
  "client-id": { type: "string" },
  scope: { type: "string" },
  all: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function deviceEndpoints(provider: string, v: Record<string, unknown>): DeviceFlowEndpoints | undefined {
  const custom = [v["device-url"], v["token-url"], v["client-id"]];
  if (custom.some(Boolean)) {
    if (!custom.every(Boolean)) throw new CliError("a custom device login needs --device-url, --token-url and --client-id", EXIT.usage);
    return { deviceUrl: String(v["device-url"]), tokenUrl: String(v["token-url"]), clientId: String(v["client-id"]), scope: v.scope as string | undefined };
  }
  return DEVICE_FLOW_PROVIDERS[provider];
}

async function login(provider: string, v: Record<string, unknown>): Promise<number> {
  const store = TokenStore.open();
  const endpoints = v["from-env"] || v.stdin ? undefined : deviceEndpoints(provider, v);
  if (endpoints) {
    const code = await requestDeviceCode(endpoints);
    console.log(`To sign in to ${provider}, open ${paint(code.verification_uri_complete ?? code.verification_uri, "bold")} and enter the code ${paint(code.user_code, "bold")}`);
    console.log("waiting for approval…");
    const token = await pollForToken(endpoints, code);
    store.set(provider, {
      type: "oauth",
      secret: token.access_token,
      ...(token.refresh_token ? { refresh_token: token.refresh_token } : {}),
      ...(token.expires_in ? { expires_at: Date.now() + token.expires_in * 1000 } : {}),
      source: "device-flow",
    });
  } else {
    const { secret, source } = await readSecret({ fromEnv: v["from-env"] as string | undefined, stdin: Boolean(v.stdin), label: `API key for ${provider}` });
    store.set(provider, { type: "api_key", secret, source });
  }
  store.save();
  console.log(`${paint("signed in", "green")}: ${provider} (${describeSecret(store.get(provider)!)}) stored in ${tokenStorePath()}`);
  return 0;
}

function logout(provider: string | undefined, all: boolean): number {
  const store = TokenStore.open();
  const names = all ? store.list().map(([n]) => n) : [checkProviderName(provider)];
  const removed = names.filter((n) => store.delete(n));
  if (!removed.length) {
    console.log(all ? "no stored credentials" : `no stored credential for ${provider}`);
    return all ? 0 : EXIT.failed;
  }
  store.save();
  console.log(`signed out: ${removed.join(", ")}`);
  return 0;
}

function status(provider: string | undefined, json: boolean): number {
  const store = TokenStore.open();
  const rows = store
    .list()
    .filter(([n]) => !provider || n === provider)
    .map(([name, c]) => ({
      provider: name,
      kind: c.type,
      source: c.source,
      updated_at: c.updated_at,
      ...(c.expires_at ? { expires_at: new Date(c.expires_at).toISOString(), expired: c.expires_at < Date.now() } : {}),
    }));
  if (json) {
    printJson({ store: tokenStorePath(), protected_by: store.protectedBy, credentials: rows });
    return 0;
  }
  console.log(`token store ${tokenStorePath()} (key in ${store.protectedBy})`);
  if (!rows.length) {
    console.log(provider ? `no credential for ${provider}` : "no credentials stored (isartor set-key <provider>)");
    return provider ? EXIT.failed : 0;
  }
  printTable([["PROVIDER", "KIND", "SOURCE", "UPDATED", "EXPIRES"], ...rows.map((r) => [r.provider, r.kind, r.source, r.updated_at, r.expires_at ? `${r.expires_at}${r.expired ? " (expired)" : ""}` : "-"])]);
  return 0;
}

export async function auth(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const [sub, provider] = positionals;
  if (values.help || !sub) {
    console.log(AUTH_HELP);
    return values.help ? 0 : EXIT.usage;
  }
  switch (sub) {
    case "login":
      return login(checkProviderName(provider), values);
    case "logout":
      return logout(provider, Boolean(values.all));
    case "status":
      return status(provider, Boolean(values.json));
    default:
      throw new CliError(`unknown auth command '${sub}' (login, logout, status)`, EXIT.usage);
  }
}
