// One metrics registry (an OpenTelemetry MeterProvider) read by every exporter at once: GET /metrics
// pulls it through a MetricReader and the Prometheus serializer; OTLP, when configured, pushes the
// same instruments periodically. Request-path counters and histograms are aggregated in plain JS
// (local-metrics.ts) and join the SDK's output at collection; gauges are observed from the gateway's
// own state (provider health, AIMD limiters, caches) only when scraped.
import type { Meter, ObservableResult } from "@opentelemetry/api";
import { MeterProvider, MetricReader, type IMetricReader, type MetricProducer } from "@opentelemetry/sdk-metrics";
import type { Resource } from "@opentelemetry/resources";
import type { CacheEvent, CacheName, GatewayMetrics, MetricSources } from "./metrics-api.ts";
import { METRIC, type FinalLayer } from "./names.ts";
import { LocalMetrics, type LocalCounter, type LocalHistogram } from "./local-metrics.ts";

/** Seconds; from a sub-millisecond L1a hit to a minutes-long L3 stream. */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** A reader that collects on demand: what GET /metrics serializes. */
class PullReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export class OtelGatewayMetrics implements GatewayMetrics {
  readonly enabled = true;
  private readonly provider: MeterProvider;
  private readonly pull: PullReader;
  private readonly requests: LocalCounter;
  private readonly requestDuration: LocalHistogram;
  private readonly layerDuration: LocalHistogram;
  private readonly saved: LocalCounter;
  private readonly errors: LocalCounter;
  private readonly cacheEvents: LocalCounter;

  constructor(
    resource: Resource,
    sources: MetricSources,
    private readonly serialize: (reader: MetricReader) => Promise<string>,
    /** the request-path instruments' producer; push readers must have been given it too */
    local: LocalMetrics = new LocalMetrics(resource),
    pushReaders: IMetricReader[] = [],
  ) {
    this.pull = new PullReader({ metricProducers: [local as MetricProducer] });
    this.provider = new MeterProvider({ resource, readers: [this.pull, ...pushReaders] });
    const meter = this.provider.getMeter("isartor");
    this.requests = local.counter(METRIC.requests, "requests by the layer that answered them (L0_Guard: refused) and HTTP status");
    this.requestDuration = local.histogram(METRIC.requestDuration, "end-to-end request duration (streams: until the last byte)", "s", DURATION_BUCKETS);
    this.layerDuration = local.histogram(METRIC.layerDuration, "time spent in each pipeline layer per request", "s", DURATION_BUCKETS);
    this.saved = local.counter(METRIC.tokensSaved, "tokens (input + output) a deflected answer kept away from the L3 provider");
    this.errors = local.counter(METRIC.errors, "errors: requests answered with 5xx, and local layers that failed open");
    this.cacheEvents = local.counter(METRIC.cacheEvents, "cache lookups (hit/miss) and stores by cache");
    observe(meter, sources);
  }

  request(finalLayer: FinalLayer, httpStatus: number, seconds?: number): void {
    this.requests.add(`${finalLayer}|${httpStatus}`, 1, () => ({ final_layer: finalLayer, http_status: String(httpStatus) }));
    if (seconds !== undefined) this.requestDuration.record(finalLayer, seconds, () => ({ final_layer: finalLayer }));
  }

  layer(layerName: FinalLayer, seconds: number): void {
    this.layerDuration.record(layerName, seconds, () => ({ layer_name: layerName }));
  }

  tokensSaved(finalLayer: FinalLayer, tokens: number): void {
    if (tokens > 0) this.saved.add(finalLayer, tokens, () => ({ final_layer: finalLayer }));
  }

  error(layer: FinalLayer, errorType: string): void {
    this.errors.add(`${layer}|${errorType}`, 1, () => ({ layer_name: layer, error_type: errorType }));
  }

  cacheEvent(cache: CacheName, event: CacheEvent): void {
    this.cacheEvents.add(`${cache}|${event}`, 1, () => ({ cache, event }));
  }

  prometheusText(): Promise<string> {
    return this.serialize(this.pull);
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown().catch(() => {});
  }
}

function observe(meter: Meter, s: MetricSources): void {
  meter.createObservableGauge(METRIC.inFlight, { description: "requests being answered now" }).addCallback((r) => r.observe(s.inFlight()));
  meter.createObservableCounter(METRIC.retries, { description: "L3 upstream calls retried on the same provider (408/429/5xx/timeouts)" }).addCallback((r) => r.observe(s.retries()));
  meter.createObservableCounter(METRIC.fallbacks, { description: "L3 requests that moved on to the next provider in the chain" }).addCallback((r) => r.observe(s.fallbacks()));
  const perProvider = (name: string, description: string, value: (p: ReturnType<MetricSources["providers"]>[number]) => number) =>
    meter.createObservableGauge(name, { description }).addCallback((r: ObservableResult) => {
      for (const p of s.providers()) r.observe(value(p), { provider: p.provider });
    });
  perProvider(METRIC.providerUp, "1 unless the provider failed its last calls in a row (status down)", (p) => (p.status === "down" ? 0 : 1));
  perProvider(METRIC.providerCircuitOpen, "1 while the circuit breaker keeps the provider out of the chain", (p) => (p.circuit === "open" ? 1 : 0));
  perProvider(METRIC.providerConsecutiveFailures, "failed calls in a row (requests and health pings)", (p) => p.consecutiveFailures);
  const perLimiter = (name: string, description: string, value: (l: ReturnType<MetricSources["limiters"]>[number]) => number) =>
    meter.createObservableGauge(name, { description }).addCallback((r: ObservableResult) => {
      for (const l of s.limiters()) r.observe(value(l), { provider: l.provider });
    });
  perLimiter(METRIC.aimdLimit, "current AIMD concurrency limit in front of the provider", (l) => l.limit);
  perLimiter(METRIC.aimdInFlight, "upstream calls holding an AIMD slot", (l) => l.inFlight);
  perLimiter(METRIC.aimdQueued, "calls waiting for an AIMD slot", (l) => l.queued);
  meter.createObservableCounter(METRIC.aimdRejected, { description: "calls refused by the AIMD limiter (queue full or waited too long)" }).addCallback((r) => {
    for (const l of s.limiters()) {
      r.observe(l.rejectedQueueFull, { provider: l.provider, reason: "queue_full" });
      r.observe(l.rejectedTimeout, { provider: l.provider, reason: "queue_timeout" });
    }
  });
  meter.createObservableGauge(METRIC.cacheEntries, { description: "entries held by each cache" }).addCallback(async (r) => {
    for (const c of s.caches()) {
      const size = await c.size().catch(() => undefined);
      if (size !== undefined) r.observe(size, { cache: c.name });
    }
  });
}
