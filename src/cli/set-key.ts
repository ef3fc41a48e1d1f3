// `isartor set-key <provider>`: store a provider API key in the encrypted token store.
import { parseArgs } from "node:util";
import { TokenStore, tokenStorePath } from "../auth/token-store.ts";
import { checkProviderName, readSecret } from "./credential-input.ts";

export const SET_KEY_HELP = `isartor set-key <provider> [--from-env VAR | --stdin]
  Store a provider API key in the encrypted token store (~/.isartor/tokens.json). The gateway uses it
  for that provider whenever the configuration leaves the key empty. The key is never printed.

  Examples:
    isartor set-key openai                      # asks for the key (not echoed)
    isartor set-key anthropic --from-env ANTHROPIC_API_KEY
    op read op://vault/openai/key | isartor set-key openai --stdin`;

export async function setKey(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { "from-env": { type: "string" }, stdin: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(SET_KEY_HELP);
    return 0;
  }
  const provider = checkProviderName(positionals[0]);
  const { secret, source } = await readSecret({ fromEnv: values["from-env"], stdin: values.stdin, label: `API key for ${provider}` });
  const store = TokenStore.open();
  store.set(provider, { type: "api_key", secret, source });
  store.save();
  console.log(`stored the API key for ${provider} in ${tokenStorePath()} (encrypted; key kept in ${store.protectedBy})`);
  return 0;
}
