// Per-key request and token budgets. Buckets exist only for configured key ids (plus "anonymous"),
// so the map is bounded by the configuration.
import { GatewayError } from "../pipeline/errors.ts";
import type { Principal } from "./key-ring.ts";
import { TokenBucket, type Clock } from "./token-bucket.ts";

export class RateLimiter {
  private readonly requests = new Map<string, TokenBucket>();
  private readonly tokens = new Map<string, TokenBucket>();
  rejected = 0;

  constructor(private readonly now: Clock = Date.now) {}

  private bucket(map: Map<string, TokenBucket>, id: string, perMinute: number) {
    let b = map.get(id);
    if (!b) map.set(id, (b = new TokenBucket(perMinute, this.now)));
    return b;
  }

  private reject(what: string, p: Principal, retryAfterSecs: number): never {
    this.rejected++;
    throw new GatewayError(429, "rate_limit", `rate limit exceeded for gateway key '${p.id}': ${what}; retry in ${retryAfterSecs}s`, {
      code: "rate_limit_exceeded",
      retryAfterSecs,
    });
  }

  /** Counts one request; 429 when the key's requests-per-minute budget is spent. */
  admitRequest(p: Principal) {
    if (p.requestsPerMinute <= 0) return;
    const r = this.bucket(this.requests, p.id, p.requestsPerMinute).take(1);
    if (!r.ok) this.reject(`${p.requestsPerMinute} requests per minute`, p, r.retryAfterSecs);
  }

  /** Reserves the estimated input tokens; 429 when the key's tokens-per-minute budget is spent. */
  admitTokens(p: Principal, estimated: number | (() => number)) {
    if (p.tokensPerMinute <= 0) return;
    const r = this.bucket(this.tokens, p.id, p.tokensPerMinute).take(typeof estimated === "number" ? estimated : estimated());
    if (!r.ok) this.reject(`${p.tokensPerMinute} tokens per minute`, p, r.retryAfterSecs);
  }

  /** Charges tokens known only after the answer (output tokens). */
  chargeTokens(p: Principal, used: number) {
    if (p.tokensPerMinute <= 0 || used <= 0) return;
    this.bucket(this.tokens, p.id, p.tokensPerMinute).charge(used);
  }
}
