// One metrics registry (an OpenTelemetry MeterProvider) read by every exporter at once: GET /metrics
// pulls it through a MetricReader and the Prometheus serializer; OTLP, when configured, pushes the
// same instruments periodically. Counters are recorded on the request path; gauges are observed
// from the gateway's own state (provider health, AIMD limiters, caches) only when scraped.
import type { Attributes, Counter, Meter, ObservableResult } from "@opentelemetry/api";
import { MeterProvider, MetricReader, type IMetricReader, type MetricProducer } from "@opentelemetry/sdk-metrics";
import type { Resource } from "@opentelemetry/resources";
import type { CacheEvent, CacheName, GatewayMetrics, MetricSources } from "./metrics-api.ts";
import { METRIC, type FinalLayer } from "./names.ts";
import { LocalHistograms, type LocalHistogram } from "./local-histograms.ts";

/** Seconds; from a sub-millisecond L1a hit to a minutes-long L3 stream. */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * A counter whose increments are summed in plain JS per label set and handed to the SDK when a reader
 * collects (the SDK runs observable callbacks, where flush() is called, before it reads synchronous
 * instruments): the SDK's per-call attribute hashing stays off the request path.
 */
class DeferredCounter {
  private readonly pending = new Map<string, { attrs: Attributes; value: number }>();

  constructor(private readonly counter: Counter) {}

  add(key: string, value: number, attrs: () => Attributes): void {
    let p = this.pending.get(key);
    if (!p) this.pending.set(key, (p = { attrs: attrs(), value: 0 }));
    p.value += value;
  }

  flush(): void {
    for (const p of this.pending.values()) {
      if (p.value === 0) continue;
      this.counter.add(p.value, p.attrs);
      p.value = 0;
    }
  }
}

/** A reader that collects on demand: what GET /metrics serializes. */
class PullReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export class OtelGatewayMetrics implements GatewayMetrics {
  readonly enabled = true;
  private readonly provider: MeterProvider;
  private readonly pull: PullReader;
  private readonly requests: DeferredCounter;
  private readonly requestDuration: LocalHistogram;
  private readonly layerDuration: LocalHistogram;
  private readonly saved: DeferredCounter;
  private readonly errors: DeferredCounter;
  private readonly cacheEvents: DeferredCounter;

  constructor(
    resource: Resource,
    sources: MetricSources,
    private readonly serialize: (reader: MetricReader) => Promise<string>,
    /** the histograms' producer; push readers must have been given it too */
    histograms: LocalHistograms = new LocalHistograms(resource),
    pushReaders: IMetricReader[] = [],
  ) {
    this.pull = new PullReader({ metricProducers: [histograms as MetricProducer] });
    this.provider = new MeterProvider({ resource, readers: [this.pull, ...pushReaders] });
    const meter = this.provider.getMeter("isartor");
    this.requests = new DeferredCounter(meter.createCounter(METRIC.requests, { description: "requests by the layer that answered them (L0_Guard: refused) and HTTP status" }));
    this.requestDuration = histograms.create(METRIC.requestDuration, "end-to-end request duration (streams: until the last byte)", "s", DURATION_BUCKETS);
    this.layerDuration = histograms.create(METRIC.layerDuration, "time spent in each pipeline layer per request", "s", DURATION_BUCKETS);
    this.saved = new DeferredCounter(meter.createCounter(METRIC.tokensSaved, { description: "tokens (input + output) a deflected answer kept away from the L3 provider" }));
    this.errors = new DeferredCounter(meter.createCounter(METRIC.errors, { description: "errors: requests answered with 5xx, and local layers that failed open" }));
    this.cacheEvents = new DeferredCounter(meter.createCounter(METRIC.cacheEvents, { description: "cache lookups (hit/miss) and stores by cache" }));
    const deferred = [this.requests, this.saved, this.errors, this.cacheEvents];
    observe(meter, sources, () => {
      for (const c of deferred) c.flush();
    });
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

/** `beforeCollect` runs first in every collection, ahead of the synchronous instruments being read. */
function observe(meter: Meter, s: MetricSources, beforeCollect: () => void): void {
  meter.createObservableGauge(METRIC.inFlight, { description: "requests being answered now" }).addCallback((r) => {
    beforeCollect();
    r.observe(s.inFlight());
  });
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
