// POST /api/admin/config {"changes": {"dotted.key": value, …}}: writes isartor.toml in place (comments
// and layout kept, see config/toml-edit.ts), after the exact new text has passed the configuration
// loader. Values still showing the redaction mask are never written. A restart applies the change.
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ConfigError, loadConfig } from "../config/load.ts";
import { SCHEMA, envNameFor, type FieldSpec } from "../config/schema.ts";
import { editToml, type TomlScalar } from "../config/toml-edit.ts";
import { GatewayError, invalidRequest } from "../pipeline/errors.ts";
import { REDACTED } from "../telemetry/redact.ts";

export interface ConfigEditResult {
  file: string;
  written: string[];
  skipped: { key: string; reason: string }[];
  /** written keys the environment overrides, so the restart will not show the file's value */
  overridden_by_env: string[];
  restart_required: true;
  message: string;
}

const NEW_FILE_HEADER = "# isartor.toml — settings written by the Isartor dashboard; comments you add are kept.\n";

/** The form sends strings; turn them into the field's type where they clearly are one. */
function typed(spec: FieldSpec, value: unknown): TomlScalar {
  if (spec.type === "list") {
    if (Array.isArray(value)) return value.map(String);
    return String(value ?? "").split(",").map((v) => v.trim()).filter(Boolean);
  }
  if (typeof value === "number" || typeof value === "boolean") return value;
  const text = String(value ?? "").trim();
  if ((spec.type === "integer" || spec.type === "number") && text !== "" && Number.isFinite(Number(text))) return Number(text);
  if (spec.type === "boolean" && /^(true|false)$/i.test(text)) return text.toLowerCase() === "true";
  // anything else is written as given and refused by the loader with the key's name
  return text;
}

export function editConfigFile(file: string, body: unknown, env: Record<string, string | undefined> = process.env): ConfigEditResult {
  const changes = (body as { changes?: unknown } | null)?.changes;
  if (!changes || typeof changes !== "object" || Array.isArray(changes)) throw invalidRequest('send {"changes": {"key": value, …}}', "changes");
  const toWrite: Record<string, TomlScalar> = {};
  const skipped: ConfigEditResult["skipped"] = [];
  for (const [key, raw] of Object.entries(changes as Record<string, unknown>)) {
    const spec = SCHEMA[key];
    if (!spec) throw invalidRequest(`unknown configuration key '${key}'`, key);
    if (spec.type === "json") throw invalidRequest(`'${key}' is a structured setting: edit it in isartor.toml directly`, key);
    const shownMasked = typeof raw === "string" && raw.includes(REDACTED);
    if (shownMasked || (spec.secret && (raw === "" || raw === undefined || raw === null))) {
      skipped.push({ key, reason: "still masked: secrets are never written from their masked value" });
      continue;
    }
    toWrite[key] = typed(spec, raw);
  }

  if (Object.keys(toWrite).length === 0) {
    return { file, written: [], skipped, overridden_by_env: [], restart_required: true, message: "nothing to save" };
  }
  const before = existsSync(file) ? readFileSync(file, "utf8") : NEW_FILE_HEADER;
  const after = editToml(before, toWrite);
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temp, after, { mode: 0o600 });
  } catch (err) {
    throw new GatewayError(500, "internal", `cannot write beside ${file}: ${(err as Error).message}`);
  }
  try {
    // the exact bytes that will be written must load; the environment is left out so only the file is judged
    loadConfig({ configPath: temp, env: {}, cwd: dirname(file) });
    if (existsSync(file)) chmodSync(temp, statSync(file).mode & 0o777);
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    if (err instanceof ConfigError) {
      const message = err.message.replaceAll(temp, file);
      throw invalidRequest(message, /'([^']+)'/.exec(message)?.[1]);
    }
    throw new GatewayError(500, "internal", `cannot replace ${file}: ${(err as Error).message}`);
  }
  const written = Object.keys(toWrite);
  const overridden = written.filter((k) => env[envNameFor(k)] !== undefined || (SCHEMA[k]!.envAliases ?? []).some((a) => env[a] !== undefined));
  return {
    file,
    written,
    skipped,
    overridden_by_env: overridden,
    restart_required: true,
    message: `saved ${written.length} setting(s) to ${file}; restart the gateway to apply them`,
  };
}
