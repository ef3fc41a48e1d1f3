// The L3 provider chain (ADR-017): for each target in order, call the provider with a key from its
// pool; retry retryable failures (408, 429, 5xx, 529, timeouts, connection errors, malformed
// replies) with exponential backoff and jitter, honouring Retry-After; then fall back to the next
// target. Other 4xx are the caller's mistake and end the request at once. A circuit breaker keeps a
// provider that keeps failing out of the chain for a cooldown. A stream that fails before its first
// chunk falls back like any call; after that its error event reaches the caller.
import type { RequestContext } from "../pipeline/context.ts";
import { GatewayError, toGatewayError } from "../pipeline/errors.ts";
import { estimateTokens } from "../pipeline/tokens.ts";
import type { ChatRequest, ChatResponse, ChatStream, StreamChunk, Usage } from "../pipeline/types.ts";
import type { RouteTarget } from "./aliases.ts";
import type { HealthTracker } from "./health.ts";
import type { KeyPool, PoolKey } from "./key-pool.ts";
import type { ProviderClient } from "./provider.ts";
import type { QuotaTracker } from "./quotas.ts";
import { costUsd, type Price } from "./registry.ts";
import type { UsageLog } from "./usage-log.ts";

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;

  /** @param threshold consecutive failures that open the circuit (0 = never) */
  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** closed, or open long enough that a trial call may go (half-open) */
  allow(): boolean {
    return this.openedAt === undefined || this.now() - this.openedAt >= this.cooldownMs;
  }

  state(): "closed" | "open" | "half_open" {
    if (this.openedAt === undefined) return "closed";
    return this.allow() ? "half_open" : "open";
  }

  retryInSecs(): number {
    return this.openedAt === undefined ? 0 : Math.max(0, Math.ceil((this.openedAt + this.cooldownMs - this.now()) / 1000));
  }

  success(): void {
    this.failures = 0;
    this.openedAt = undefined;
  }

  failure(): void {
    if (this.threshold <= 0) return;
    this.failures++;
    // a failed trial call in half-open state reopens at once
    if (this.openedAt !== undefined || this.failures >= this.threshold) this.openedAt = this.now();
  }

  reset(): void {
    this.success();
  }
}

export interface ChainMember {
  name: string;
  vendor: string;
  client: ProviderClient;
  keys: KeyPool;
  /** retries on this provider before falling back */
  maxRetries: number;
  /** a non-streamed answer must be complete within this (streams: headers, then each chunk) */
  timeoutMs: number;
  breaker: CircuitBreaker;
  price(model: string): Price | undefined;
}

export interface ChainOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  /** how long a key that got 401/403 (or 429 in a pool of several) stays out */
  keyCooldownMs: number;
  /** largest upstream response body accepted (max_upstream_response_bytes) */
  maxResponseBytes?: number;
  usage?: UsageLog;
  quotas?: QuotaTracker;
  health?: HealthTracker;
  /** replaceable for tests of the backoff itself */
  random?: () => number;
}

export interface ChainAnswer<T> {
  value: T;
  provider: string;
  model: string;
}

/** Exponential backoff with equal jitter: half the step fixed, half random. */
export function backoffMs(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

type Outcome = "retry" | "auth" | "next" | "fatal";

function classify(e: GatewayError): Outcome {
  if (e.status === 401 || e.status === 403) return "auth";
  // "no such model here" is about this provider, not the request: the next provider may have it
  if (e.status === 404) return "next";
  if (e.status === 408 || e.status === 429 || (e.status >= 500 && e.status <= 599)) return "retry";
  return "fatal";
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(toGatewayError(signal.reason ?? new GatewayError(499, "upstream", "client closed the request")));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}

function requestText(req: ChatRequest): string {
  const parts = [...req.system, ...req.messages.flatMap((m) => m.content)];
  return parts.map((p) => (p.type === "text" || p.type === "thinking" ? p.text : "")).join("\n");
}

export class ProviderChain {
  readonly members: Map<string, ChainMember>;
  private readonly random: () => number;
  retriesTotal = 0;
  fallbacksTotal = 0;

  constructor(
    members: ChainMember[],
    private readonly opts: ChainOptions,
  ) {
    this.members = new Map(members.map((m) => [m.name, m]));
    this.random = opts.random ?? Math.random;
  }

  complete(ctx: RequestContext, targets: RouteTarget[]): Promise<ChainAnswer<ChatResponse>> {
    return this.run(ctx, targets, async (m, model, key, started) => {
      // the client's own timer stops at the response headers; a body that never ends must not hang the request.
      // The clock stops while the request waits for an upstream slot and restarts when it goes out.
      // one controller for both the deadline and the caller going away: AbortSignal.any costs more
      // per request in Bun than the upstream call's own JS work
      const deadline = new AbortController();
      let timedOut = false;
      const arm = () =>
        setTimeout(() => {
          timedOut = true;
          deadline.abort();
        }, m.timeoutMs);
      const onCallerGone = () => deadline.abort(ctx.signal.reason);
      if (ctx.signal.aborted) onCallerGone();
      else ctx.signal.addEventListener("abort", onCallerGone, { once: true });
      let timer = arm();
      const onQueued = () => clearTimeout(timer);
      const onSent = () => {
        clearTimeout(timer);
        timer = arm();
      };
      try {
        const signal = deadline.signal;
        const upstream = { maxResponseBytes: this.opts.maxResponseBytes, onQueued, onSent };
        const response = await m.client.complete({ request: ctx.upstreamRequest ?? ctx.request, model, signal, apiKey: key.secret, client: { headers: ctx.headers, search: ctx.search }, upstream });
        this.recordUsage(ctx, m, model, key, started, "ok", response.usage, false);
        return response;
      } catch (err) {
        if (timedOut && !ctx.signal.aborted) throw new GatewayError(504, "timeout", `upstream ${m.name} did not finish its answer within ${m.timeoutMs} ms`);
        throw err;
      } finally {
        clearTimeout(timer);
        ctx.signal.removeEventListener("abort", onCallerGone);
      }
    });
  }

  stream(ctx: RequestContext, targets: RouteTarget[]): Promise<ChainAnswer<ChatStream>> {
    return this.run(ctx, targets, async (m, model, key, started) => {
      const upstream = { maxResponseBytes: this.opts.maxResponseBytes };
      const stream = await m.client.stream({ request: ctx.upstreamRequest ?? ctx.request, model, signal: ctx.signal, apiKey: key.secret, client: { headers: ctx.headers, search: ctx.search }, upstream });
      const it = stream[Symbol.asyncIterator]();
      // Nothing has reached the caller yet: a stream that breaks before its first chunk falls back.
      const first = await it.next();
      const early = first.done ? undefined : first.value.events.find((e) => e.type === "error");
      if (first.done || early) {
        await it.return?.();
        if (early?.type === "error") throw new GatewayError(early.status, early.status === 504 ? "timeout" : "upstream", early.message);
        throw new GatewayError(502, "upstream", `upstream ${m.name} ended the stream before sending anything`);
      }
      return this.observe(ctx, m, model, key, started, first.value, it);
    });
  }

  /** Forwards the stream untouched while noting its outcome for usage, health and the breaker. */
  private async *observe(
    ctx: RequestContext,
    m: ChainMember,
    model: string,
    key: PoolKey,
    started: number,
    first: StreamChunk,
    rest: AsyncIterator<StreamChunk>,
  ): AsyncGenerator<StreamChunk> {
    let text = "";
    let usage: Usage | undefined;
    let ended: "finish" | "error" | undefined;
    let error = "";
    const note = (chunk: StreamChunk) => {
      for (const e of chunk.events) {
        if (e.type === "text" || e.type === "thinking") text += e.text;
        else if (e.type === "tool_call_delta") text += e.arguments;
        else if (e.type === "finish") {
          ended = "finish";
          usage = e.usage;
        } else if (e.type === "error") {
          ended = "error";
          error = e.message;
        }
      }
    };
    try {
      note(first);
      yield first;
      while (true) {
        const next = await rest.next();
        if (next.done) break;
        note(next.value);
        yield next.value;
      }
    } finally {
      await rest.return?.();
      const tokens = usage ?? { inputTokens: estimateTokens(requestText(ctx.request)), outputTokens: estimateTokens(text) };
      if (ended === "finish") {
        this.recordUsage(ctx, m, model, key, started, "ok", tokens, true);
      } else {
        const message = ended === "error" ? error : "stream ended before the answer was complete";
        if (!ctx.signal.aborted) {
          m.breaker.failure();
          this.opts.health?.failure(m.name, message);
        }
        this.recordUsage(ctx, m, model, key, started, "error", tokens, true, ctx.signal.aborted ? "client went away mid-stream" : message);
      }
    }
  }

  private recordUsage(
    ctx: RequestContext,
    m: ChainMember,
    model: string,
    key: PoolKey,
    started: number,
    status: "ok" | "error",
    usage: Usage | undefined,
    stream: boolean,
    error?: string,
  ) {
    const input = usage?.inputTokens ?? 0;
    const output = usage?.outputTokens ?? 0;
    this.opts.usage?.append({
      ts: new Date().toISOString(),
      layer: "l3",
      provider: m.name,
      model,
      key_id: key.id,
      input_tokens: input,
      output_tokens: output,
      cost_usd: costUsd(m.price(model), input, output),
      latency_ms: Math.round(performance.now() - started),
      status,
      stream,
      request_id: ctx.id,
      ...(error ? { error: error.slice(0, 300) } : {}),
    });
  }

  private async run<T>(
    ctx: RequestContext,
    targets: RouteTarget[],
    call: (m: ChainMember, model: string, key: PoolKey, started: number) => Promise<T>,
  ): Promise<ChainAnswer<T>> {
    const failures: string[] = [];
    const failedProviders: string[] = [];
    let lastError: GatewayError | undefined;
    let retries = 0;
    /** when the soonest cooling key or open circuit is usable again: the Retry-After of a 503 */
    let soonestRetrySecs = Number.POSITIVE_INFINITY;
    const inputTokens = estimateTokens(requestText(ctx.upstreamRequest ?? ctx.request));
    const finish = (provider: string) => {
      if (retries > 0) ctx.responseHeaders["x-isartor-retries"] = String(retries);
      const from = failedProviders.filter((p) => p !== provider);
      if (from.length) ctx.responseHeaders["x-isartor-fallback-from"] = [...new Set(from)].join(",");
    };

    for (const target of targets) {
      const m = this.members.get(target.provider);
      if (!m) continue;
      if (failedProviders.length) this.fallbacksTotal++;
      if (!m.breaker.allow()) {
        soonestRetrySecs = Math.min(soonestRetrySecs, m.breaker.retryInSecs());
        failures.push(`${m.name}: circuit open after repeated failures (retry in ${m.breaker.retryInSecs()} s)`);
        failedProviders.push(m.name);
        continue;
      }
      const projected = { tokens: inputTokens, cost: costUsd(m.price(target.model), inputTokens, 0) };
      const verdict = this.opts.quotas?.check({ provider: m.name, model: target.model }, projected) ?? { action: "ok" as const };
      if (verdict.warning) ctx.responseHeaders["x-isartor-quota-warning"] = verdict.warning;
      if (verdict.action === "block") throw new GatewayError(429, "rate_limit", verdict.message!, { code: "quota_exceeded" });
      if (verdict.action === "fallback") {
        lastError = new GatewayError(429, "rate_limit", verdict.message!, { code: "quota_exceeded" });
        failures.push(`${m.name}: ${verdict.message}`);
        failedProviders.push(m.name);
        continue;
      }

      const excluded = new Set<string>();
      let attempt = 0;
      while (true) {
        const key = m.keys.pick(excluded);
        if (!key) {
          const wait = m.keys.nextAvailableSecs();
          soonestRetrySecs = Math.min(soonestRetrySecs, wait);
          failures.push(`${m.name}: no API key available (cooling down for ${wait} s)`);
          failedProviders.push(m.name);
          break;
        }
        const keyVerdict = this.opts.quotas?.check({ provider: m.name, model: target.model, keyId: key.id }, projected) ?? { action: "ok" as const };
        if (keyVerdict.warning) ctx.responseHeaders["x-isartor-quota-warning"] = keyVerdict.warning;
        if (keyVerdict.action === "block") throw new GatewayError(429, "rate_limit", keyVerdict.message!, { code: "quota_exceeded" });
        if (keyVerdict.action === "fallback") {
          lastError = new GatewayError(429, "rate_limit", keyVerdict.message!, { code: "quota_exceeded" });
          excluded.add(key.id);
          continue;
        }

        const started = performance.now();
        const span = ctx.trace?.attempt(m.name, target.model, attempt + 1);
        span?.set({ "isartor.key_id": key.id });
        try {
          const value = await call(m, target.model, key, started);
          span?.end();
          m.breaker.success();
          this.opts.health?.success(m.name, performance.now() - started);
          finish(m.name);
          return { value, provider: m.name, model: target.model };
        } catch (err) {
          const e = toGatewayError(err);
          if (span) {
            span.fail(e);
            span.end();
          }
          if (ctx.signal.aborted) throw toGatewayError(ctx.signal.reason ?? e);
          this.recordUsage(ctx, m, target.model, key, started, "error", undefined, ctx.request.stream, e.message);
          const outcome = classify(e);
          if (outcome === "fatal") throw e;
          lastError = e;
          if (outcome === "next") {
            failures.push(`${m.name}: ${e.message}`);
            failedProviders.push(m.name);
            break;
          }
          this.opts.health?.failure(m.name, e.message);
          if (outcome === "auth") {
            // the key, not the request, is bad: park it and try the pool's next key without counting a retry
            m.keys.coolDown(key.id, this.opts.keyCooldownMs, `HTTP ${e.status}`);
            excluded.add(key.id);
            failures.push(`${m.name} (${key.id}): ${e.message}`);
            continue;
          }
          m.breaker.failure();
          const retryAfterMs = e.extra.retryAfterSecs !== undefined ? e.extra.retryAfterSecs * 1000 : undefined;
          if (e.status === 429 && m.keys.size > 1) {
            // rate limits are per key: park this one for Retry-After (or the cooldown) and go on with another now
            m.keys.coolDown(key.id, retryAfterMs ?? this.opts.keyCooldownMs, "HTTP 429");
            excluded.add(key.id);
            attempt++;
            if (attempt > m.maxRetries || !m.breaker.allow()) {
              failures.push(`${m.name}: ${e.message}`);
              failedProviders.push(m.name);
              break;
            }
            retries++;
            this.retriesTotal++;
            continue;
          }
          attempt++;
          const tooLong = retryAfterMs !== undefined && retryAfterMs > this.opts.maxDelayMs;
          if (tooLong) m.keys.coolDown(key.id, retryAfterMs, `HTTP ${e.status} Retry-After`);
          if (attempt > m.maxRetries || !m.breaker.allow() || tooLong) {
            failures.push(`${m.name}: ${e.message}`);
            failedProviders.push(m.name);
            break;
          }
          retries++;
          this.retriesTotal++;
          await sleep(Math.max(retryAfterMs ?? 0, backoffMs(attempt, this.opts.baseDelayMs, this.opts.maxDelayMs, this.random)), ctx.signal);
        }
      }
    }

    if (!lastError) {
      throw new GatewayError(503, "unavailable", `no provider could take this request: ${failures.join("; ") || "no provider matches this model"}`, {
        code: "providers_unavailable",
        ...(Number.isFinite(soonestRetrySecs) ? { retryAfterSecs: Math.max(1, soonestRetrySecs) } : {}),
      });
    }
    const detail = failures.length > 1 ? `all providers failed: ${failures.join("; ")}` : lastError.message;
    throw new GatewayError(lastError.status, lastError.kind, detail, lastError.extra);
  }
}
