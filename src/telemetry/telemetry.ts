// What a gateway observes about itself, behind one object: the metrics registry, the tracer (only
// with enable_monitoring) and the request log. Routes and the pipeline call it at a few points; it
// turns those calls into counters, spans and log lines.
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Config } from "../config/types.ts";
import type { Answer, RequestContext } from "../pipeline/context.ts";
import { newId } from "../pipeline/ids.ts";
import { requestPath } from "../server/request-target.ts";
import type { LayerName } from "../pipeline/types.ts";
import type { Logger } from "./logger.ts";
import { NOOP_METRICS, type GatewayMetrics, type MetricSources } from "./metrics-api.ts";
import { finalLayerName } from "./names.ts";
import type { Redactor } from "./redact.ts";
import { RequestObservation } from "./request-observation.ts";
import { requestLogFromConfig, type RequestLog } from "./request-log.ts";
import type { SpanAttrs } from "./trace-types.ts";
import type { Tracing } from "./tracing.ts";

export interface TelemetryOptions {
  /** spans go here (as they end) instead of the configured exporter; tracing is on regardless of config */
  spanExporter?: SpanExporter;
}

export class GatewayTelemetry {
  constructor(
    readonly metrics: GatewayMetrics,
    readonly requestLog: RequestLog | undefined,
    private readonly tracing: Tracing | undefined,
    private readonly redactor: Redactor,
    private readonly logger: Logger,
  ) {}

  get tracingEnabled(): boolean {
    return this.tracing !== undefined;
  }

  /** called when a chat request arrives; the observation ends with finish() */
  begin(request: Request, path: string, id: string, format: string): RequestObservation {
    const attrs: SpanAttrs = { "http.request.method": request.method, "url.path": path, "isartor.request_id": id, "isartor.format": format };
    const trace = this.tracing?.begin(request, this.redactor, attrs);
    return new RequestObservation(this, request, path, id, format, trace);
  }

  /** a request L0 refused before any route ran (auth gate) or that matched no route (404) */
  refused(request: Request, status: number, error: string): void {
    this.metrics.request("L0_Guard", status);
    this.requestLog?.write({
      ts: new Date().toISOString(),
      id: newId("req_"),
      method: request.method,
      path: requestPath(request),
      status,
      layer: "l0",
      final_layer: "L0_Guard",
      deflected: false,
      duration_ms: 0,
      error,
    });
  }

  // PipelineObserver callbacks (see buildServices)

  layerDone(layer: LayerName, ms: number, answer: Answer | undefined, ctx: RequestContext): void {
    this.metrics.layer(finalLayerName(layer), ms / 1000);
    if ((layer === "l1a" || layer === "l1b") && ctx.cache.lookup) this.metrics.cacheEvent(layer === "l1a" ? "exact" : "semantic", answer ? "hit" : "miss");
  }

  layerFailed(layer: LayerName, err: unknown, ctx: RequestContext): void {
    this.metrics.error(finalLayerName(layer), "layer_failed");
    this.logger.warn("layer failed open", { id: ctx.id, layer, error: err instanceof Error ? err.message : String(err) });
  }

  remembered(layer: LayerName, ctx: RequestContext): void {
    if ((layer === "l1a" || layer === "l1b") && ctx.cache.store) this.metrics.cacheEvent(layer === "l1a" ? "exact" : "semantic", "store");
  }

  answered(answer: Answer): void {
    if (answer.layer === "l3" || answer.kind !== "response") return;
    const u = answer.response.usage;
    this.metrics.tokensSaved(finalLayerName(answer.layer), u.inputTokens + u.outputTokens);
  }

  async shutdown(): Promise<void> {
    await this.requestLog?.flush();
    await this.tracing?.shutdown();
    await this.metrics.shutdown();
  }
}

/**
 * The OpenTelemetry SDK modules are required here, at gateway start and only for what is on, so
 * CLI commands that never start a gateway (and gateways with monitoring off) do not load them.
 */
export function createTelemetry(config: Config, sources: MetricSources, redactor: Redactor, logger: Logger, opts: TelemetryOptions = {}): GatewayTelemetry {
  const endpoint = config.otel_exporter_endpoint;
  const pushMetrics = config.enable_monitoring && endpoint !== "";
  const metrics = config.metrics.enabled || pushMetrics ? (require("./metrics-setup.ts") as typeof import("./metrics-setup.ts")).createMetrics(config, sources) : NOOP_METRICS;
  if (config.enable_monitoring && /:4317\/?$/.test(endpoint)) {
    logger.warn("otel_exporter_endpoint points at 4317 (OTLP/gRPC); this gateway exports OTLP over HTTP, usually port 4318", { endpoint });
  }
  const tracing = config.enable_monitoring || opts.spanExporter ? (require("./tracing.ts") as typeof import("./tracing.ts")).createTracing(endpoint, opts.spanExporter) : undefined;
  return new GatewayTelemetry(metrics, requestLogFromConfig(config, redactor), tracing, redactor, logger);
}
