// Masks secrets before anything is written out: configured secret values (gateway/admin/provider
// keys), well-known API-key shapes, Authorization-style fields, and operator-supplied patterns.

export const REDACTED = "[REDACTED]";

/** Field names whose values are always secret, whatever they contain. */
const SECRET_FIELD = /^(authorization|proxy-authorization|x-api-key|x-goog-api-key|api[-_]?key|.*_api_key|key|password|secret|token|access_token|refresh_token|cookie|set-cookie)$/i;

/** SECRET_FIELD's answers per field name: records reuse a handful of names, and the test is a long alternation */
const secretFieldSeen = new Map<string, boolean>();
const SECRET_FIELD_SEEN_MAX = 4096;

function isSecretField(name: string): boolean {
  let secret = secretFieldSeen.get(name);
  if (secret === undefined) {
    secret = SECRET_FIELD.test(name);
    if (secretFieldSeen.size < SECRET_FIELD_SEEN_MAX) secretFieldSeen.set(name, secret);
  }
  return secret;
}

const KNOWN_SHAPES: RegExp[] = [
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g,
  /\bxai-[A-Za-z0-9]{20,}/g,
];

export interface RedactorOptions {
  /**
   * exact secret values (configured keys, provider header values). Each is a secret because it was
   * configured as one, whatever its length; short ones (under SHORT_SECRET chars) are matched only as
   * a whole token, so a 3-letter key does not shred every word that happens to contain it.
   */
  secrets?: string[];
  /** extra regular expressions (log_redact_patterns) */
  patterns?: string[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const SHORT_SECRET = 12;
/** a token boundary: not next to characters that keys are made of */
const wholeToken = (s: string) => `(?<![A-Za-z0-9_-])${escape(s)}(?![A-Za-z0-9_-])`;

function literalRule(secrets: string[]): RegExp | undefined {
  const unique = [...new Set(secrets.filter(Boolean))].sort((a, b) => b.length - a.length);
  if (!unique.length) return undefined;
  return new RegExp(unique.map((s) => (s.length < SHORT_SECRET ? wholeToken(s) : escape(s))).join("|"), "g");
}

export class Redactor {
  /** configured secrets and known key shapes */
  private readonly builtin: RegExp[];
  /** one case-insensitive test that finds any builtin candidate; most strings have none */
  private readonly anyBuiltin: RegExp;
  /** operator patterns always run as written (their groups and flags are theirs) */
  private readonly custom: RegExp[];

  constructor(opts: RedactorOptions = {}) {
    const literal = literalRule(opts.secrets ?? []);
    this.builtin = [...(literal ? [literal] : []), ...KNOWN_SHAPES];
    this.anyBuiltin = new RegExp(this.builtin.map((r) => `(?:${r.source})`).join("|"), "i");
    this.custom = (opts.patterns ?? []).map((p) => new RegExp(p, "g"));
  }

  text(s: string): string {
    let out = s;
    if (this.anyBuiltin.test(out)) for (const rule of this.builtin) out = out.replace(rule, REDACTED);
    for (const rule of this.custom) out = out.replace(rule, REDACTED);
    return out;
  }

  /** Deep copy with secret fields masked and every string scrubbed. */
  value(v: unknown, depth = 0): unknown {
    if (typeof v === "string") return this.text(v);
    if (v === null || typeof v !== "object") return v;
    if (depth > 16) return "[…]";
    if (Array.isArray(v)) return v.map((x) => this.value(x, depth + 1));
    if (v instanceof Headers) return this.value(Object.fromEntries(v.entries()), depth);
    if (v instanceof Error) return { name: v.name, message: this.text(v.message) };
    const out: Record<string, unknown> = {};
    const obj = v as Record<string, unknown>;
    for (const k in obj) {
      if (!Object.hasOwn(obj, k)) continue;
      const x = obj[k];
      // strings and primitives handled here, not by recursing: log records are mostly flat metadata
      if (x !== undefined && x !== "" && isSecretField(k)) out[k] = REDACTED;
      else if (typeof x === "string") out[k] = this.text(x);
      else out[k] = x !== null && typeof x === "object" ? this.value(x, depth + 1) : x;
    }
    return out;
  }
}

export interface SecretsConfig {
  gateway_api_key: string;
  admin_api_key: string;
  external_llm_api_key: string;
  gateway_keys: { key: string }[];
  providers: { api_key?: string; api_keys?: string[]; api_key_env?: string; headers?: Record<string, string> }[];
  log_redact_patterns: string[];
}

/**
 * Every value the configuration holds as a secret: gateway/admin/provider keys (inline, pools,
 * api_key_env) and every provider `headers` value (X-Portkey-Api-Key, custom auth headers, …).
 */
export function configuredSecrets(config: SecretsConfig, env: Record<string, string | undefined> = process.env): string[] {
  const providerSecrets = config.providers.flatMap((p) => [
    p.api_key ?? "",
    ...(p.api_keys ?? []),
    p.api_key_env ? (env[p.api_key_env] ?? "") : "",
    ...Object.values(p.headers ?? {}).map(String),
  ]);
  const all = [config.gateway_api_key, config.admin_api_key, config.external_llm_api_key, ...config.gateway_keys.map((k) => k.key), ...providerSecrets];
  return [...new Set(all.filter(Boolean))];
}

export function redactorFromConfig(config: SecretsConfig): Redactor {
  return new Redactor({ secrets: configuredSecrets(config), patterns: config.log_redact_patterns });
}
