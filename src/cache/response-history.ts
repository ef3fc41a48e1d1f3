// Recent Responses API answers, so a later request can continue one with previous_response_id.
// Each entry is the conversation as Responses input items (prior input + the answer's output items),
// keyed by tenant and response id: a tenant can never continue another tenant's response.
// Bounded three ways (DESIGN rule 7): entry count (LRU), age (TTL) and total size in JSON characters.

export interface ResponseHistoryLimits {
  maxEntries: number;
  ttlMs: number;
  maxTotalChars: number;
}

export const DEFAULT_HISTORY_LIMITS: ResponseHistoryLimits = { maxEntries: 2000, ttlMs: 6 * 3600_000, maxTotalChars: 64 * 1024 * 1024 };

interface Entry {
  items: unknown[];
  size: number;
  expires: number;
}

export class ResponseHistory {
  private readonly entries = new Map<string, Entry>();
  private totalChars = 0;

  constructor(
    private readonly limits: ResponseHistoryLimits = DEFAULT_HISTORY_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  private static key(tenant: string, id: string) {
    return `${tenant}\u0000${id}`;
  }

  get(tenant: string, id: string): unknown[] | undefined {
    const key = ResponseHistory.key(tenant, id);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.delete(key, entry);
      return undefined;
    }
    // most recently used goes to the back
    this.entries.delete(key);
    this.entries.set(key, entry);
    return structuredClone(entry.items);
  }

  set(tenant: string, id: string, items: unknown[]): void {
    const size = JSON.stringify(items).length;
    const key = ResponseHistory.key(tenant, id);
    const old = this.entries.get(key);
    if (old) this.delete(key, old);
    if (size > this.limits.maxTotalChars) return;
    this.entries.set(key, { items: structuredClone(items), size, expires: this.now() + this.limits.ttlMs });
    this.totalChars += size;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && this.totalChars <= this.limits.maxTotalChars) break;
      this.delete(k, e);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private delete(key: string, entry: Entry) {
    this.entries.delete(key);
    this.totalChars -= entry.size;
  }
}
