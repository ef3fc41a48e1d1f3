// Builds the metrics registry: the pull reader behind GET /metrics, plus an OTLP push reader when
// monitoring is on with an endpoint (its exporter module is only loaded then). Loaded by
// telemetry.ts only when a gateway starts with metrics, so other commands never load the SDK.
import type { IMetricReader } from "@opentelemetry/sdk-metrics";
import type { Config } from "../config/types.ts";
import type { GatewayMetrics, MetricSources } from "./metrics-api.ts";
import { OtelGatewayMetrics } from "./metrics.ts";
import { LocalMetrics } from "./local-metrics.ts";
import { prometheusText } from "./prometheus.ts";
import { isartorResource } from "./resource.ts";
import { otlpUrl } from "./otlp-url.ts";

export function createMetrics(config: Config, sources: MetricSources): GatewayMetrics {
  const resource = isartorResource();
  const local = new LocalMetrics(resource);
  const push: IMetricReader[] = [];
  if (config.enable_monitoring && config.otel_exporter_endpoint) {
    const { PeriodicExportingMetricReader } = require("@opentelemetry/sdk-metrics") as typeof import("@opentelemetry/sdk-metrics");
    const { OTLPMetricExporter } = require("@opentelemetry/exporter-metrics-otlp-http") as typeof import("@opentelemetry/exporter-metrics-otlp-http");
    push.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: otlpUrl(config.otel_exporter_endpoint, "metrics") }),
        exportIntervalMillis: config.metrics.export_interval_secs * 1000,
        metricProducers: [local],
      }),
    );
  }
  return new OtelGatewayMetrics(resource, sources, prometheusText, local, push);
}
