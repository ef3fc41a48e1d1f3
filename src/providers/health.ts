// Provider health kept in memory (ADR-016/026): updated by real L3 outcomes and by background
// pings of each provider's model-list endpoint. Pings change liveness fields only, never the
// request/error counters; a failing provider is re-pinged with exponential backoff.
import { limitBody } from "./limited-body.ts";
import type { VendorProtocol } from "./registry.ts";

/** a model list is a few kB; anything near this is not one, and is not read into memory */
const MAX_MODEL_LIST_BYTES = 4 * 1024 * 1024;

export type HealthState = "healthy" | "degraded" | "down" | "unknown";

export interface ProviderHealth {
  provider: string;
  status: HealthState;
  requests: number;
  errors: number;
  consecutive_failures: number;
  last_latency_ms?: number;
  last_success_at?: string;
  last_error_at?: string;
  last_error?: string;
  last_ping_at?: string;
  /** model ids the provider's model-list endpoint reported on the last successful ping */
  discovered_models: string[];
}

/** a provider is "down" after this many failures in a row */
const DOWN_AFTER = 3;

export class HealthTracker {
  private readonly state = new Map<string, ProviderHealth>();

  constructor(providers: string[]) {
    for (const p of providers) this.state.set(p, { provider: p, status: "unknown", requests: 0, errors: 0, consecutive_failures: 0, discovered_models: [] });
  }

  private get(provider: string): ProviderHealth | undefined {
    return this.state.get(provider);
  }

  success(provider: string, latencyMs: number, probe = false): void {
    const h = this.get(provider);
    if (!h) return;
    if (!probe) h.requests++;
    h.consecutive_failures = 0;
    h.last_latency_ms = Math.round(latencyMs);
    h.last_success_at = new Date().toISOString();
    h.status = "healthy";
  }

  failure(provider: string, message: string, probe = false): void {
    const h = this.get(provider);
    if (!h) return;
    if (!probe) {
      h.requests++;
      h.errors++;
    }
    h.consecutive_failures++;
    h.last_error_at = new Date().toISOString();
    h.last_error = message.slice(0, 300);
    h.status = h.consecutive_failures >= DOWN_AFTER ? "down" : "degraded";
  }

  pinged(provider: string, models?: string[]): void {
    const h = this.get(provider);
    if (!h) return;
    h.last_ping_at = new Date().toISOString();
    if (models) h.discovered_models = models;
  }

  snapshot(provider: string): ProviderHealth | undefined {
    const h = this.get(provider);
    return h && { ...h, discovered_models: [...h.discovered_models] };
  }

  all(): ProviderHealth[] {
    return [...this.state.keys()].map((p) => this.snapshot(p)!);
  }
}

export interface PingTarget {
  provider: string;
  protocol: VendorProtocol;
  baseUrl: string;
  modelsPath: string;
  auth: "bearer" | "api-key";
  headers?: Record<string, string>;
  /** a usable key right now, or undefined */
  key: () => string | undefined;
  timeoutMs: number;
}

/** GETs the model list; resolves with the model ids, rejects with a short reason. */
export async function pingProvider(t: PingTarget): Promise<string[]> {
  const url = new URL(`${t.baseUrl.replace(/\/+$/, "")}${t.modelsPath}`);
  const headers: Record<string, string> = { accept: "application/json", ...t.headers };
  const key = t.key();
  if (key) {
    if (t.protocol === "anthropic") {
      headers["x-api-key"] = key;
      headers["anthropic-version"] = "2023-06-01";
    } else if (t.protocol === "gemini") headers["x-goog-api-key"] = key;
    else if (t.auth === "api-key") headers["api-key"] = key;
    else headers.authorization = `Bearer ${key}`;
  }
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(t.timeoutMs) }).catch((err: Error) => {
    throw new Error(err.name === "TimeoutError" ? `ping timed out after ${t.timeoutMs} ms` : `ping failed: ${err.message}`);
  });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`ping returned HTTP ${res.status}`);
  }
  let limited: Response;
  try {
    limited = limitBody(res, t.provider, MAX_MODEL_LIST_BYTES, () => {});
  } catch {
    throw new Error(`ping answer larger than ${MAX_MODEL_LIST_BYTES} bytes`);
  }
  const body = (await limited.json().catch(() => ({}))) as { data?: { id?: unknown }[]; models?: { name?: unknown }[] };
  if (Array.isArray(body.data)) return body.data.map((m) => String(m?.id ?? "")).filter(Boolean);
  if (Array.isArray(body.models)) return body.models.map((m) => String(m?.name ?? "").replace(/^models\//, "")).filter(Boolean);
  return [];
}

/**
 * Pings every target every `intervalMs`; after a failure the next ping comes sooner and then backs
 * off exponentially (5 s, 10 s, 20 s, … up to the interval) so a recovery is seen quickly without
 * hammering a dead endpoint.
 */
export class HealthPinger {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly failures = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly targets: PingTarget[],
    private readonly health: HealthTracker,
    private readonly intervalMs: number,
    private readonly onRecovered: (provider: string) => void = () => {},
    private readonly firstRetryMs = 5000,
  ) {}

  start(): void {
    for (const t of this.targets) this.schedule(t, 0);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(t: PingTarget, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => void this.ping(t), delayMs);
    timer.unref?.();
    this.timers.set(t.provider, timer);
  }

  /** one ping now; also used by tests and manual checks */
  async ping(t: PingTarget): Promise<void> {
    const started = performance.now();
    try {
      const models = await pingProvider(t);
      const wasFailing = (this.failures.get(t.provider) ?? 0) > 0 || this.health.snapshot(t.provider)?.status === "down";
      this.failures.set(t.provider, 0);
      this.health.success(t.provider, performance.now() - started, true);
      this.health.pinged(t.provider, models);
      if (wasFailing) this.onRecovered(t.provider);
      this.schedule(t, this.intervalMs);
    } catch (err) {
      const n = (this.failures.get(t.provider) ?? 0) + 1;
      this.failures.set(t.provider, n);
      this.health.failure(t.provider, (err as Error).message, true);
      this.health.pinged(t.provider);
      this.schedule(t, Math.min(this.intervalMs, this.firstRetryMs * 2 ** (n - 1)));
    }
  }
}
