// Shape of one entry in the `gateway_keys` configuration list, and its validation (used by the
// config schema so a bad entry fails at startup with the entry's index and field).

export interface GatewayKeyConfig {
  /** stable name of the key; scopes caches and rate limits, appears in logs instead of the key */
  id: string;
  key: string;
  /** tenant whose cache entries this key shares; defaults to the id */
  tenant?: string;
  /** overrides rate_limit_requests_per_minute for this key (0 = unlimited) */
  requests_per_minute?: number;
  /** overrides rate_limit_tokens_per_minute for this key (0 = unlimited) */
  tokens_per_minute?: number;
}

const ALLOWED = new Set(["id", "key", "tenant", "requests_per_minute", "tokens_per_minute"]);
const MIN_KEY_LENGTH = 16;

export function validateGatewayKeys(value: unknown): string | undefined {
  if (!Array.isArray(value)) return "a list of {id, key, tenant?, requests_per_minute?, tokens_per_minute?} tables";
  const ids = new Set<string>();
  const keys = new Set<string>();
  for (const [i, entry] of value.entries()) {
    const at = `gateway_keys[${i}]`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return `${at} to be a table`;
    const e = entry as Record<string, unknown>;
    const unknown = Object.keys(e).find((k) => !ALLOWED.has(k));
    if (unknown) return `${at} to have only id, key, tenant, requests_per_minute, tokens_per_minute (found '${unknown}')`;
    if (typeof e.id !== "string" || !/^[A-Za-z0-9_.-]{1,64}$/.test(e.id)) return `${at}.id to be 1-64 letters, digits, '_', '.' or '-'`;
    if (typeof e.key !== "string" || e.key.length < MIN_KEY_LENGTH) return `${at}.key to be a string of at least ${MIN_KEY_LENGTH} characters`;
    if (e.tenant !== undefined && (typeof e.tenant !== "string" || !/^[A-Za-z0-9_.-]{1,64}$/.test(e.tenant)))
      return `${at}.tenant to be 1-64 letters, digits, '_', '.' or '-'`;
    for (const limit of ["requests_per_minute", "tokens_per_minute"] as const) {
      const n = e[limit];
      if (n !== undefined && (typeof n !== "number" || !Number.isInteger(n) || n < 0)) return `${at}.${limit} to be a whole number >= 0`;
    }
    if (ids.has(e.id)) return `unique ids (gateway_keys id '${e.id}' appears twice)`;
    if (keys.has(e.key)) return `unique keys (${at} repeats the key of an earlier entry)`;
    ids.add(e.id);
    keys.add(e.key);
  }
  return undefined;
}
