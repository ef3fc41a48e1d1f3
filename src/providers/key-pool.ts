// Several API keys per provider (ADR-018): each call picks one (round robin or first available by
// priority); a key that got 429 or 401/403 cools down while the others carry on. Keys are only
// ever shown masked and named by id ("openai#2").

export interface PoolKey {
  id: string;
  /** undefined for providers that take no key (local servers) */
  secret: string | undefined;
}

export interface KeyStatus {
  id: string;
  masked: string;
  available: boolean;
  cooling_down_secs?: number;
  reason?: string;
}

export function maskKey(secret: string | undefined): string {
  if (!secret) return "(none)";
  if (secret.length <= 8) return "****";
  return `${secret.slice(0, 3)}…${secret.slice(-4)}`;
}

export class KeyPool {
  private readonly keys: PoolKey[];
  private readonly cooling = new Map<string, { until: number; reason: string }>();
  private next = 0;

  constructor(
    provider: string,
    secrets: string[],
    private readonly strategy: "round_robin" | "priority" = "round_robin",
    private readonly now: () => number = Date.now,
  ) {
    const unique = [...new Set(secrets.filter(Boolean))];
    this.keys = unique.length ? unique.map((secret, i) => ({ id: `${provider}#${i + 1}`, secret })) : [{ id: `${provider}#none`, secret: undefined }];
  }

  get size(): number {
    return this.keys.length;
  }

  private isAvailable(key: PoolKey, exclude?: Set<string>): boolean {
    if (exclude?.has(key.id)) return false;
    const c = this.cooling.get(key.id);
    if (c && c.until > this.now()) return false;
    if (c) this.cooling.delete(key.id);
    return true;
  }

  /** A key to use now, or undefined when every key is cooling down or excluded. */
  pick(exclude?: Set<string>): PoolKey | undefined {
    const n = this.keys.length;
    for (let i = 0; i < n; i++) {
      const index = this.strategy === "priority" ? i : (this.next + i) % n;
      const key = this.keys[index]!;
      if (!this.isAvailable(key, exclude)) continue;
      if (this.strategy === "round_robin") this.next = (index + 1) % n;
      return key;
    }
    return undefined;
  }

  coolDown(id: string, ms: number, reason: string): void {
    if (ms <= 0) return;
    const until = this.now() + ms;
    const current = this.cooling.get(id);
    if (!current || current.until < until) this.cooling.set(id, { until, reason });
  }

  available(): number {
    return this.keys.filter((k) => this.isAvailable(k)).length;
  }

  /** Seconds until the first cooling key is usable again (0 when one is usable now). */
  nextAvailableSecs(): number {
    if (this.available() > 0) return 0;
    const soonest = Math.min(...[...this.cooling.values()].map((c) => c.until));
    return Math.max(0, Math.ceil((soonest - this.now()) / 1000));
  }

  status(): KeyStatus[] {
    return this.keys.map((k) => {
      const c = this.cooling.get(k.id);
      const cooling = c && c.until > this.now();
      return {
        id: k.id,
        masked: maskKey(k.secret),
        available: !cooling,
        ...(cooling ? { cooling_down_secs: Math.ceil((c.until - this.now()) / 1000), reason: c.reason } : {}),
      };
    });
  }
}
