// `isartor check`: validate the configuration and print the effective values with their sources.
import { parseArgs } from "node:util";
import { applyStoredKeys } from "../auth/apply-stored-keys.ts";
import { describeConfig } from "../config/describe.ts";
import { CONFIG_FLAGS, configFromFlags } from "./common-flags.ts";
import { printJson } from "./output.ts";

export const CHECK_HELP = `isartor check [--config FILE] [--set KEY=VALUE]... [--json]
  Validate the configuration and print every effective value (secrets masked: never a character
  of them, nor their length) and where it came from: default, file, env, flag or token-store.
  Exit 0 when it loads, 2 naming the bad key and its allowed values when it does not.

  Examples:
    isartor check
    ISARTOR__CACHE_MODE=exact isartor check --json | jq '.[] | select(.key=="cache_mode")'`;

export async function check(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...CONFIG_FLAGS, json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, allowPositionals: false, strict: true });
  if (values.help) {
    console.log(CHECK_HELP);
    return 0;
  }
  const loaded = configFromFlags(values);
  applyStoredKeys(loaded, (m) => console.error(`isartor: ${m}`));
  const rows = describeConfig(loaded);
  if (values.json) {
    printJson(rows);
    return 0;
  }
  console.log(`configuration OK${loaded.file ? ` (file ${loaded.file})` : " (no config file: built-in defaults)"}\n`);
  const w = Math.max(...rows.map((r) => r.key.length));
  const v = Math.min(48, Math.max(...rows.map((r) => r.value.length)));
  for (const r of rows) console.log(`${r.key.padEnd(w)}  ${(r.value === "" ? '""' : r.value).padEnd(v)}  ${r.source}`);
  return 0;
}
