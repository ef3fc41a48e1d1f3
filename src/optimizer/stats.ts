// Running totals of what L2.5 did, for /api/admin/stats.
import type { StageName } from "./optimize.ts";

export class OptimizerStats {
  readonly name = "context_optimizer";
  requests = 0;
  optimized = 0;
  optedOut = 0;
  /** requests left unoptimised because their body could not be rewritten consistently */
  abandoned = 0;
  readonly tokensSaved: Record<StageName, number> = { dedup: 0, log_crunch: 0, minify: 0 };

  stats() {
    const total = this.tokensSaved.dedup + this.tokensSaved.log_crunch + this.tokensSaved.minify;
    return {
      requests: this.requests,
      optimized: this.optimized,
      opted_out: this.optedOut,
      abandoned: this.abandoned,
      tokens_saved: { ...this.tokensSaved, total },
    };
  }
}
