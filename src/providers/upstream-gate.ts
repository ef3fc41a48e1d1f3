// A process-wide cap on upstream HTTP requests in flight (upstream_max_connections). Bun's fetch pool
// holds at most BUN_CONFIG_MAX_HTTP_REQUESTS (256 by default) requests and silently queues the rest,
// so time in its queue would count as upstream latency; waiting here instead lets the upstream timer
// start only once a request can really go out. A waiter gives up when its request's signal aborts.

const BUN_DEFAULT_POOL = 256;

/** The size of Bun's fetch pool; it is read once at process start, so only the start environment counts. */
export function bunFetchPoolSize(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env.BUN_CONFIG_MAX_HTTP_REQUESTS);
  return Number.isInteger(n) && n > 0 ? n : BUN_DEFAULT_POOL;
}

export class UpstreamGate {
  private active = 0;
  private readonly waiters: { grant: () => void }[] = [];

  constructor(private limit: number) {}

  setLimit(limit: number): void {
    this.limit = Math.max(1, limit);
    this.drain();
  }

  inFlight(): number {
    return this.active;
  }

  queued(): number {
    return this.waiters.length;
  }

  /** for /api/admin/stats */
  stats(): { limit: number; in_flight: number; queued: number; bun_fetch_pool: number } {
    return { limit: this.limit, in_flight: this.active, queued: this.waiters.length, bun_fetch_pool: bunFetchPoolSize() };
  }

  /** Resolves with a release function once a slot is free; rejects with the signal's reason on abort. */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.active < this.limit && this.waiters.length === 0) return Promise.resolve(this.slot());
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal.removeEventListener("abort", onAbort);
          resolve(this.slot());
        },
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private slot(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.drain();
    };
  }

  private drain(): void {
    while (this.active < this.limit && this.waiters.length) this.waiters.shift()!.grant();
  }
}

/** One gate for the process, like Bun's fetch pool it stands in front of. */
export const upstreamGate = new UpstreamGate(BUN_DEFAULT_POOL);

/**
 * Sizes the process's gate from upstream_max_connections. Bun's pool cannot be resized after start, so
 * the gate never exceeds it; returns a warning when the configuration asks for more than the pool has.
 */
export function configureUpstreamGate(maxConnections: number, env: Record<string, string | undefined> = process.env): string | undefined {
  const pool = bunFetchPoolSize(env);
  upstreamGate.setLimit(Math.min(maxConnections, pool));
  if (maxConnections <= pool) return undefined;
  return `upstream_max_connections = ${maxConnections} but Bun's fetch pool holds ${pool}: start the process with BUN_CONFIG_MAX_HTTP_REQUESTS=${maxConnections} to allow more (using ${pool})`;
}
