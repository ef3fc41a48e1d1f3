// The tracer, set up only when enable_monitoring is on: spans go to the OTLP/HTTP collector at
// otel_exporter_endpoint, or to the console without one. Not registered globally: each gateway
// owns its provider, so several can run in one process (tests) and shut down cleanly.
import type { Tracer } from "@opentelemetry/api";
import type { Resource } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";

export interface Tracing {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

/** "http://collector:4318" → "http://collector:4318/v1/traces"; a URL already naming the path stays. */
export function otlpUrl(endpoint: string, signal: "traces" | "metrics"): string {
  const base = endpoint.replace(/\/+$/, "");
  return /\/v1\/(traces|metrics)$/.test(base) ? base.replace(/\/v1\/(traces|metrics)$/, `/v1/${signal}`) : `${base}/v1/${signal}`;
}

export function createTracing(resource: Resource, endpoint: string, testExporter?: SpanExporter): Tracing {
  // a test exporter gets each span as it ends; real exporters batch
  const processor = testExporter
    ? new SimpleSpanProcessor(testExporter)
    : new BatchSpanProcessor(endpoint ? new OTLPTraceExporter({ url: otlpUrl(endpoint, "traces") }) : new ConsoleSpanExporter(), { maxQueueSize: 2048 });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  return {
    tracer: provider.getTracer("isartor"),
    shutdown: () => provider.shutdown().catch(() => {}),
  };
}
