// L0 for chat routes: who is calling (gateway key → principal), may they (rate limits), and is the
// body acceptable (size, read time, nesting depth). Runs before the body is read where it can.
import type { Config } from "../config/types.ts";
import { GatewayError } from "../pipeline/errors.ts";
import type { ChatRequest, ChatStream, StreamChunk } from "../pipeline/types.ts";
import { readJsonBody } from "../server/body.ts";
import { withoutClaimedNamespace } from "../formats/ide-namespace.ts";
import { withDeadline } from "./deadline.ts";
import { estimateInputTokens } from "./estimate-input.ts";
import { assertJsonDepth } from "./json-depth.ts";
import { KeyRing, type Principal } from "./key-ring.ts";
import { RateLimiter } from "./rate-limiter.ts";
import type { Clock } from "./token-bucket.ts";

export class GatewayGuard {
  readonly keys: KeyRing;
  readonly limiter: RateLimiter;
  authFailures = 0;

  constructor(
    private readonly config: Config,
    now: Clock = Date.now,
  ) {
    this.keys = new KeyRing(config);
    this.limiter = new RateLimiter(now);
  }

  /** Authenticates and counts the request against its key's request budget; nothing of the body is read. */
  admit(headers: Headers): Principal {
    let principal: Principal;
    try {
      principal = this.keys.authenticate(headers);
    } catch (err) {
      this.authFailures++;
      throw err;
    }
    this.limiter.admitRequest(principal);
    return principal;
  }

  /** Reads the JSON body within the size, time and depth limits; fields only the gateway may set are dropped. */
  async readBody(request: Request): Promise<unknown> {
    const body = await withDeadline(
      readJsonBody(request, this.config.max_body_bytes),
      this.config.body_read_timeout_secs * 1000,
      () => new GatewayError(408, "timeout", `request body was not received within ${this.config.body_read_timeout_secs}s (body_read_timeout_secs)`),
    );
    assertJsonDepth(body, this.config.max_json_depth);
    return withoutClaimedNamespace(body);
  }

  /** Reserves the request's estimated input tokens against its key's token budget. */
  admitTokens(principal: Principal, request: ChatRequest) {
    this.limiter.admitTokens(principal, () => estimateInputTokens(request)); // estimated only when a budget applies
  }

  chargeOutput(principal: Principal, outputTokens: number) {
    this.limiter.chargeTokens(principal, outputTokens);
  }

  /** Passes a stream through, charging its output tokens when the finish event reports them. */
  async *meterStream(principal: Principal, stream: ChatStream): AsyncGenerator<StreamChunk> {
    for await (const chunk of stream) {
      for (const e of chunk.events) if (e.type === "finish" && e.usage) this.chargeOutput(principal, e.usage.outputTokens);
      yield chunk;
    }
  }
}
