// The gateway keys a caller may present, each with an id (never the key itself) that scopes caches,
// rate limits and log lines. No configured key means the gateway is open and every caller is "default".
import type { Config } from "../config/types.ts";
import { GatewayError } from "../pipeline/errors.ts";
import { constantTimeEqual } from "./constant-time.ts";
import { presentedKey } from "./presented-key.ts";

export interface Principal {
  /** key id, or "anonymous" when the gateway has no keys */
  id: string;
  /** cache scope */
  tenant: string;
  requestsPerMinute: number;
  tokensPerMinute: number;
}

interface Entry extends Principal {
  key: string;
}

export const ANONYMOUS_ID = "anonymous";

export class KeyRing {
  private readonly entries: Entry[];

  constructor(private readonly config: Config) {
    const rpm = config.rate_limit_requests_per_minute;
    const tpm = config.rate_limit_tokens_per_minute;
    this.entries = config.gateway_keys.map((k) => ({
      id: k.id,
      key: k.key,
      tenant: k.tenant ?? k.id,
      requestsPerMinute: k.requests_per_minute ?? rpm,
      tokensPerMinute: k.tokens_per_minute ?? tpm,
    }));
    if (config.gateway_api_key) {
      this.entries.push({ id: "default", key: config.gateway_api_key, tenant: "default", requestsPerMinute: rpm, tokensPerMinute: tpm });
    }
  }

  get enabled(): boolean {
    return this.entries.length > 0;
  }

  /** The caller behind these headers; 401 when keys are configured and none matches. */
  authenticate(headers: Headers): Principal {
    if (!this.enabled) {
      return {
        id: ANONYMOUS_ID,
        tenant: "default",
        requestsPerMinute: this.config.rate_limit_requests_per_minute,
        tokensPerMinute: this.config.rate_limit_tokens_per_minute,
      };
    }
    const presented = presentedKey(headers);
    if (!presented) {
      throw new GatewayError(401, "authentication", "missing gateway API key: send it as 'Authorization: Bearer <key>', 'x-api-key' or 'x-goog-api-key'", {
        code: "missing_api_key",
      });
    }
    // Every entry is compared so the time taken does not depend on which key (if any) matched.
    let match: Entry | undefined;
    for (const entry of this.entries) if (constantTimeEqual(presented, entry.key) && !match) match = entry;
    if (!match) throw new GatewayError(401, "authentication", "invalid gateway API key", { code: "invalid_api_key" });
    const { key: _key, ...principal } = match;
    return principal;
  }
}
