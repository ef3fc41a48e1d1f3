// `isartor check`: validate the configuration and print the effective values with their sources.
import { describeConfig } from "../config/describe.ts";
import { configFromFlags, parseCommandArgs } from "./common-flags.ts";

export async function check(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv);
  if (values.help) {
    console.log("isartor check [--config FILE] [--json]\n  Validate the configuration and print every effective value and where it came from.");
    return 0;
  }
  const loaded = configFromFlags(values);
  const rows = describeConfig(loaded);
  console.log(`configuration OK${loaded.file ? ` (file ${loaded.file})` : " (no config file: built-in defaults)"}\n`);
  const w = Math.max(...rows.map((r) => r.key.length));
  const v = Math.min(48, Math.max(...rows.map((r) => r.value.length)));
  for (const r of rows) console.log(`${r.key.padEnd(w)}  ${(r.value === "" ? '""' : r.value).padEnd(v)}  ${r.source}`);
  return 0;
}
