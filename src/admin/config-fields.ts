// /api/admin/config/fields: every setting the dashboard's form can edit, with its type, allowed
// values, description and current (masked) value. Structured settings (arrays of tables such as
// [[providers]]) are listed as read-only.
import { SCHEMA } from "../config/schema.ts";
import type { GatewayServices } from "../server/services.ts";
import { redactedConfig } from "./config-view.ts";

export function configFields(s: GatewayServices) {
  const masked = redactedConfig(s.config, s.runtime.redactor) as Record<string, unknown>;
  const valueAt = (path: string) => path.split(".").reduce<unknown>((n, k) => (n as Record<string, unknown> | undefined)?.[k], masked);
  return {
    file: s.configFile ?? null,
    fields: Object.entries(SCHEMA).map(([key, spec]) => ({
      key,
      type: spec.type,
      description: spec.description,
      ...(spec.values ? { values: spec.values } : {}),
      ...(spec.min !== undefined ? { min: spec.min } : {}),
      ...(spec.max !== undefined && spec.max !== Number.MAX_SAFE_INTEGER ? { max: spec.max } : {}),
      secret: Boolean(spec.secret),
      editable: spec.type !== "json",
      value: valueAt(key),
    })),
  };
}
