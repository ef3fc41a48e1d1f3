// Edits of client settings files that keep what the user wrote: JSON with comments through
// jsonc-parser's minimal edits, dotenv/shell files line by line, TOML through smol-toml.
import { applyEdits, modify, parse as parseJsonc, type ParseError } from "jsonc-parser";
import { parse as parseToml, stringify as toToml } from "smol-toml";
import { CliError } from "../output.ts";

const FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: "\n" } };

function checkJsonc(text: string, path: string): void {
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: true });
  if (errors.length || (value !== undefined && (typeof value !== "object" || Array.isArray(value)))) {
    throw new CliError(`${path} is not a JSON object; fix or move it, then run again`);
  }
}

/** Sets (value) or removes (undefined) each JSON path, keeping comments and formatting elsewhere. */
export function editJsonc(text: string | undefined, path: string, changes: [(string | number)[], unknown][]): string {
  let out = text && text.trim() ? text : "{}\n";
  checkJsonc(out, path);
  for (const [jsonPath, value] of changes) out = applyEdits(out, modify(out, jsonPath, value, FORMAT));
  return out.endsWith("\n") ? out : out + "\n";
}

export function readJsonc(text: string | undefined): Record<string, unknown> {
  return (text ? (parseJsonc(text, [], { allowTrailingComma: true }) as Record<string, unknown>) : undefined) ?? {};
}

/** KEY=VALUE files (.env, shell snippets with `export`): replace the keys' lines or append them. */
export function editEnvLines(text: string | undefined, vars: Record<string, string | undefined>, exportPrefix = false): string {
  const lines = (text ?? "").split("\n");
  if (lines.at(-1) === "") lines.pop();
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of lines) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/.exec(line);
    const key = m?.[1];
    if (key && key in vars) {
      seen.add(key);
      const v = vars[key];
      if (v !== undefined) out.push(`${exportPrefix ? "export " : ""}${key}=${JSON.stringify(v)}`);
      continue;
    }
    out.push(line);
  }
  for (const [k, v] of Object.entries(vars)) if (!seen.has(k) && v !== undefined) out.push(`${exportPrefix ? "export " : ""}${k}=${JSON.stringify(v)}`);
  return out.join("\n") + "\n";
}

export function editToml(text: string | undefined, path: string, apply: (table: Record<string, unknown>) => void): string {
  let table: Record<string, unknown>;
  try {
    table = text ? (parseToml(text) as Record<string, unknown>) : {};
  } catch (err) {
    throw new CliError(`${path} is not valid TOML (${(err as Error).message}); fix or move it, then run again`);
  }
  apply(table);
  return toToml(table) + "\n";
}
