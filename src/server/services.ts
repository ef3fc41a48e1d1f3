// Everything a route needs, built once per gateway from the effective configuration.
import type { Config } from "../config/types.ts";
import type { Pipeline } from "../pipeline/pipeline.ts";
import type { ProviderSetup } from "../providers/client-factory.ts";
import type { LayerName } from "../pipeline/types.ts";
import type { GatewayRuntime } from "../guard/runtime.ts";
import type { GatewayTelemetry } from "../telemetry/telemetry.ts";
import type { CacheBackendStatus } from "../cache/create-stores.ts";

export interface GatewayServices {
  config: Config;
  pipeline: Pipeline;
  /** metrics registry, tracer (enable_monitoring) and request log */
  telemetry: GatewayTelemetry;
  version: string;
  startedAt: number;
  /** the isartor.toml the configuration came from, when there was one */
  configFile?: string;
  /** name of the configured L3 provider, or undefined when none is configured */
  providerName?: string;
  /** L3 providers: chain, model router (aliases), health, usage, quotas */
  providers: ProviderSetup;
  /** L0 guard, logger/redactor, and what the admin API reports on or purges */
  runtime: GatewayRuntime;
  layersEnabled: LayerName[];
  /** false until every model configured to preload is loaded */
  isReady(): boolean;
  /** L2 backend, model and state for /health (see build-slm.ts) */
  l2?(): import("./build-slm.ts").L2Health;
  /** counts an in-flight request; call the returned function when it is finished */
  track(): () => void;
  inFlight(): number;
  /** where cache entries live and, with Redis, the connection's state (for /health) */
  cacheStatus(): CacheBackendStatus;
  /** release background resources (workers, connections) */
  close(): Promise<void>;
}
