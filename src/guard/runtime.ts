// Per-gateway operational state that routes need beside the pipeline: the guard, the logger, and
// what the admin API reports on or purges. Attached to a GatewayServices object by build-services;
// created from the config on first use for services built any other way.
import type { Config } from "../config/types.ts";
import { Logger, type LogSink } from "../telemetry/logger.ts";
import { redactorFromConfig, type Redactor } from "../telemetry/redact.ts";
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
  };
}

const attached = new WeakMap<object, GatewayRuntime>();

export function attachRuntime(services: object, runtime: GatewayRuntime): void {
  attached.set(services, runtime);
}

export function runtimeFor(services: { config: Config }): GatewayRuntime {
  let rt = attached.get(services);
  if (!rt) attached.set(services, (rt = createRuntime(services.config)));
  return rt;
}
