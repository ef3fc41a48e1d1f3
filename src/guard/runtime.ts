// Per-gateway operational state that routes need beside the pipeline: the guard, the logger, and
// what the admin API reports on or purges (GatewayServices.runtime).
import type { Config } from "../config/types.ts";
import { Logger, type LogSink } from "../telemetry/logger.ts";
import { redactorFromConfig, type Redactor } from "../telemetry/redact.ts";
import { RecentRequests } from "../telemetry/recent-requests.ts";
import type { AimdLimiter } from "./aimd-limiter.ts";
import { GatewayGuard } from "./gateway-guard.ts";

/** A cache the admin API can size and purge. */
export interface PurgeableCache {
  readonly name: string;
  size(): Promise<number>;
  clear(): Promise<void>;
}

/** Anything with counters worth showing in /api/admin/stats. */
export interface StatsSource {
  readonly name: string;
  stats(): Record<string, unknown>;
}

export interface GatewayRuntime {
  guard: GatewayGuard;
  redactor: Redactor;
  logger: Logger;
  caches: PurgeableCache[];
  limiters: { provider: string; limiter: AimdLimiter }[];
  stats: StatsSource[];
  /** the last requests and per-layer counts over time, for the dashboard */
  recent: RecentRequests;
}

export function createRuntime(config: Config, sink?: LogSink): GatewayRuntime {
  const redactor = redactorFromConfig(config);
  return {
    guard: new GatewayGuard(config),
    redactor,
    logger: new Logger(config.log_level, redactor, sink),
    caches: [],
    limiters: [],
    stats: [],
    recent: new RecentRequests(redactor),
  };
}
