// The tracer, set up only when enable_monitoring is on (telemetry.ts loads this module only then):
// spans go to the OTLP/HTTP collector at otel_exporter_endpoint, or to the console without one.
// Not registered globally: each gateway owns its provider, so several can run in one process
// (tests) and shut down cleanly.
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import type { Redactor } from "./redact.ts";
import { OtelRequestTrace } from "./request-trace.ts";
import { isartorResource } from "./resource.ts";
import { otlpUrl } from "./otlp-url.ts";
import type { RequestTrace, SpanAttrs } from "./trace-types.ts";

export interface Tracing {
  /** the spans of one request, its root started now */
  begin(request: Request, redactor: Redactor, attrs: SpanAttrs): RequestTrace;
  shutdown(): Promise<void>;
}

export function createTracing(endpoint: string, testExporter?: SpanExporter): Tracing {
  // a test exporter gets each span as it ends; real exporters batch
  const processor = testExporter
    ? new SimpleSpanProcessor(testExporter)
    : new BatchSpanProcessor(endpoint ? new OTLPTraceExporter({ url: otlpUrl(endpoint, "traces") }) : new ConsoleSpanExporter(), { maxQueueSize: 2048 });
  const provider = new BasicTracerProvider({ resource: isartorResource(), spanProcessors: [processor] });
  const tracer = provider.getTracer("isartor");
  return {
    begin: (request, redactor, attrs) => new OtelRequestTrace(tracer, redactor, request, attrs),
    shutdown: () => provider.shutdown().catch(() => {}),
  };
}
