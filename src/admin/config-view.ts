// The effective configuration for /api/admin/config with every secret masked: schema fields marked
// secret, each gateway key's `key`, every value that IS a configured secret (whatever its length or
// the field it sits in, e.g. provider `headers`), and anything the redactor recognises.
import { SCHEMA } from "../config/schema.ts";
import { maskConfiguredSecrets } from "../config/describe.ts";
import type { Config } from "../config/types.ts";
import { configuredSecrets, REDACTED, type Redactor } from "../telemetry/redact.ts";

export function redactedConfig(config: Config, redactor: Redactor): unknown {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const [path, spec] of Object.entries(SCHEMA)) {
    if (!spec.secret) continue;
    const parts = path.split(".");
    const parent = parts.slice(0, -1).reduce<Record<string, unknown> | undefined>((n, k) => n?.[k] as Record<string, unknown> | undefined, copy);
    const leaf = parts.at(-1)!;
    if (!parent || !(leaf in parent)) continue;
    const value = parent[leaf];
    if (typeof value === "string") parent[leaf] = value ? REDACTED : "";
  }
  copy.gateway_keys = config.gateway_keys.map((k) => ({ ...k, key: REDACTED }));
  return redactor.value(maskConfiguredSecrets(copy, new Set(configuredSecrets(config))));
}
