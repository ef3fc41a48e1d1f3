// Adaptive concurrency (ADR-007): additive increase while a window of calls is healthy and the limit
// is actually in use, multiplicative decrease on overload (429/5xx/timeouts) or a p95 latency above
// target. Callers beyond the limit wait in a bounded queue, for a bounded time, then get 503.
import { GatewayError } from "../pipeline/errors.ts";

export interface AimdOptions {
  initialLimit: number;
  minLimit: number;
  maxLimit: number;
  targetLatencyMs: number;
  maxQueue: number;
  queueTimeoutMs: number;
  /** calls per evaluation window (at least this many, or the current limit if larger) */
  minWindow?: number;
  backoffRatio?: number;
}

/** ok: a healthy answer; overload: the upstream is struggling; neutral: says nothing about load (bad request, client gone). */
export type Outcome = "ok" | "overload" | "neutral";

export type Release = (outcome: Outcome, latencyMs: number) => void;

interface Waiter {
  grant: (release: Release) => void;
  fail: (err: unknown) => void;
}

export class AimdLimiter {
  private current: number;
  private active = 0;
  private readonly waiting: Waiter[] = [];
  private window: number[] = [];
  private peakInWindow = 0;
  /** bumped on every decrease; signals from calls started before it are stale */
  private epoch = 0;
  readonly counters = { admitted: 0, waited: 0, rejectedQueueFull: 0, rejectedTimeout: 0, increases: 0, decreases: 0 };

  constructor(private readonly opts: AimdOptions) {
    const min = Math.max(1, opts.minLimit);
    this.opts = { ...opts, minLimit: min, maxLimit: Math.max(min, opts.maxLimit) };
    this.current = clamp(opts.initialLimit, this.opts.minLimit, this.opts.maxLimit);
  }

  get limit(): number {
    return this.current;
  }
  get inFlight(): number {
    return this.active;
  }
  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with a release function once a slot is free; rejects with 503 when the queue is full or the wait too long. */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (this.active < Math.floor(this.current) && this.waiting.length === 0) return Promise.resolve(this.grant());
    if (this.waiting.length >= this.opts.maxQueue) {
      this.counters.rejectedQueueFull++;
      return Promise.reject(overloaded(`upstream concurrency limit (${Math.floor(this.current)}) reached and ${this.opts.maxQueue} requests already waiting`));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.counters.waited++;
    return new Promise<Release>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
      };
      const waiter: Waiter = {
        grant: (release) => {
          done();
          resolve(release);
        },
        fail: (err) => {
          done();
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        this.counters.rejectedTimeout++;
        waiter.fail(overloaded(`no upstream slot became free within ${this.opts.queueTimeoutMs} ms`));
      }, this.opts.queueTimeoutMs);
      const onAbort = () => waiter.fail(signal!.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private grant(): Release {
    this.active++;
    this.counters.admitted++;
    this.peakInWindow = Math.max(this.peakInWindow, this.active);
    const startedEpoch = this.epoch;
    let released = false;
    return (outcome, latencyMs) => {
      if (released) return;
      released = true;
      this.active--;
      this.record(outcome, latencyMs, startedEpoch);
      this.drain();
    };
  }

  private drain() {
    while (this.waiting.length && this.active < Math.floor(this.current)) this.waiting[0]!.grant(this.grant());
  }

  private record(outcome: Outcome, latencyMs: number, startedEpoch: number) {
    if (outcome === "neutral") return;
    if (outcome === "overload") {
      if (startedEpoch === this.epoch) this.decrease();
      return;
    }
    this.window.push(latencyMs);
    if (this.window.length < Math.max(this.opts.minWindow ?? 8, Math.floor(this.current))) return;
    const sorted = this.window.sort((a, b) => a - b);
    const p95 = sorted[Math.floor(0.95 * (sorted.length - 1))]!;
    const utilised = this.peakInWindow >= Math.floor(this.current) / 2;
    this.window = [];
    this.peakInWindow = this.active;
    if (p95 > this.opts.targetLatencyMs) this.decrease();
    else if (utilised && this.current < this.opts.maxLimit) {
      this.current = Math.min(this.opts.maxLimit, this.current + 1);
      this.counters.increases++;
      this.drain();
    }
  }

  private decrease() {
    this.current = Math.max(this.opts.minLimit, Math.floor(this.current * (this.opts.backoffRatio ?? 0.5)));
    this.epoch++;
    this.window = [];
    this.peakInWindow = this.active;
    this.counters.decreases++;
  }

  stats() {
    return { limit: this.current, in_flight: this.active, queued: this.waiting.length, ...this.counters };
  }
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

const overloaded = (message: string) => new GatewayError(503, "unavailable", message, { code: "upstream_concurrency_limit", retryAfterSecs: 1 });
