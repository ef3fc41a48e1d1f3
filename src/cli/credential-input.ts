// Where a secret for set-key / auth login comes from: an environment variable, stdin, or a
// prompt that does not echo. Never from a flag value (it would land in shell history).
import { CliError, EXIT } from "./output.ts";
import { Prompter, readAllStdin } from "./prompt.ts";

export async function readSecret(opts: { fromEnv?: string; stdin?: boolean; label: string }): Promise<{ secret: string; source: string }> {
  if (opts.fromEnv) {
    const value = process.env[opts.fromEnv];
    if (!value) throw new CliError(`environment variable ${opts.fromEnv} is empty or not set`, EXIT.usage);
    return { secret: value.trim(), source: `env:${opts.fromEnv}` };
  }
  if (opts.stdin || !process.stdin.isTTY) {
    const secret = (await readAllStdin()).trim();
    if (!secret) throw new CliError("no key on stdin", EXIT.usage);
    return { secret, source: "stdin" };
  }
  const secret = await new Prompter().ask(opts.label, { secret: true });
  if (!secret) throw new CliError("no key entered", EXIT.usage);
  return { secret, source: "prompt" };
}

export function checkProviderName(name: string | undefined): string {
  if (!name) throw new CliError("name the provider, e.g. `openai`, `anthropic` or a [[providers]] name", EXIT.usage);
  if (!/^[A-Za-z0-9][\w.-]{0,63}$/.test(name)) throw new CliError(`'${name}' is not a provider name (letters, digits, - _ .)`, EXIT.usage);
  return name;
}
