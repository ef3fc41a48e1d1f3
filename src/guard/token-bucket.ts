// A token bucket refilled continuously at `perMinute` per minute, holding at most `perMinute`.
// `now` is injectable so tests can move time without sleeping.

export type Clock = () => number;

export class TokenBucket {
  private level: number;
  private updated: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: Clock = Date.now,
  ) {
    this.level = perMinute;
    this.updated = now();
  }

  private refill() {
    const t = this.now();
    this.level = Math.min(this.perMinute, this.level + ((t - this.updated) * this.perMinute) / 60_000);
    this.updated = t;
  }

  /**
   * Takes `n` if available. Otherwise takes nothing and says how many seconds until it would be.
   * A request larger than the whole bucket waits for a full bucket and may then overdraw it.
   */
  take(n: number): { ok: true } | { ok: false; retryAfterSecs: number } {
    this.refill();
    const needed = Math.min(n, this.perMinute);
    if (this.level >= needed) {
      this.level -= n;
      return { ok: true };
    }
    return { ok: false, retryAfterSecs: Math.max(1, Math.ceil(((needed - this.level) * 60) / this.perMinute)) };
  }

  /** Charges usage learnt after the fact (output tokens); the level may go negative. */
  charge(n: number) {
    this.refill();
    this.level -= n;
  }
}
