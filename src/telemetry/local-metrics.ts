// The request-path instruments (counters and histograms) aggregated in plain JS — cumulative since start,
// histograms with the OpenTelemetry SDK's explicit-bucket semantics (a value lands in the first bucket whose
// upper bound it does not exceed) — and handed to every metric reader as one MetricProducer. Recording is a
// map lookup by a precomputed key and a few additions: no attribute hashing per call, which is what the
// SDK's synchronous instruments cost on the request path.
import { ValueType, type Attributes, type HrTime } from "@opentelemetry/api";
import { AggregationTemporality, DataPointType, type CollectionResult, type MetricData, type MetricProducer } from "@opentelemetry/sdk-metrics";
import type { Resource } from "@opentelemetry/resources";

const hrTime = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

/** One value per label set; `key` names the label set and `attributes` is called the first time it is seen. */
abstract class LocalInstrument<S extends { attributes: Attributes }> {
  protected readonly series = new Map<string, S>();

  constructor(
    readonly name: string,
    readonly description: string,
    readonly unit: string,
  ) {}

  protected seriesFor(key: string, attributes: () => Attributes): S {
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = this.empty(attributes())));
    return s;
  }

  protected descriptor(valueType: ValueType) {
    return { name: this.name, description: this.description, unit: this.unit, valueType };
  }

  /** one data point per label set, cumulative from `start` */
  protected points<V>(start: HrTime, end: HrTime, value: (s: S) => V) {
    return [...this.series.values()].map((s) => ({ attributes: s.attributes, startTime: start, endTime: end, value: value(s) }));
  }

  protected abstract empty(attributes: Attributes): S;
  abstract data(start: HrTime, end: HrTime): MetricData | undefined;
}

export class LocalCounter extends LocalInstrument<{ attributes: Attributes; value: number }> {
  add(key: string, value: number, attributes: () => Attributes): void {
    this.seriesFor(key, attributes).value += value;
  }

  protected empty(attributes: Attributes) {
    return { attributes, value: 0 };
  }

  data(start: HrTime, end: HrTime): MetricData | undefined {
    if (this.series.size === 0) return undefined;
    return {
      descriptor: this.descriptor(ValueType.INT),
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: this.points(start, end, (s) => s.value),
    };
  }
}

interface HistogramSeries {
  attributes: Attributes;
  counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
}

export class LocalHistogram extends LocalInstrument<HistogramSeries> {
  constructor(name: string, description: string, unit: string, private readonly boundaries: number[]) {
    super(name, description, unit);
  }

  record(key: string, value: number, attributes: () => Attributes): void {
    if (Number.isNaN(value)) return;
    const s = this.seriesFor(key, attributes);
    const b = this.boundaries;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    s.counts[i]!++;
    s.sum += value;
    s.count++;
    if (value < s.min) s.min = value;
    if (value > s.max) s.max = value;
  }

  protected empty(attributes: Attributes): HistogramSeries {
    return { attributes, counts: new Array(this.boundaries.length + 1).fill(0), sum: 0, count: 0, min: Infinity, max: -Infinity };
  }

  data(start: HrTime, end: HrTime): MetricData | undefined {
    if (this.series.size === 0) return undefined;
    return {
      descriptor: this.descriptor(ValueType.DOUBLE),
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: this.points(start, end, (s) => ({ buckets: { boundaries: [...this.boundaries], counts: [...s.counts] }, sum: s.sum, count: s.count, min: s.min, max: s.max })),
    };
  }
}

/** The producer every reader is given (pull for /metrics, OTLP push): one scope, "isartor". */
export class LocalMetrics implements MetricProducer {
  private readonly instruments: LocalInstrument<{ attributes: Attributes }>[] = [];
  private readonly startedAt = Date.now();

  constructor(private readonly resource: Resource) {}

  counter(name: string, description: string): LocalCounter {
    const c = new LocalCounter(name, description, "");
    this.instruments.push(c);
    return c;
  }

  histogram(name: string, description: string, unit: string, boundaries: number[]): LocalHistogram {
    const h = new LocalHistogram(name, description, unit, boundaries);
    this.instruments.push(h);
    return h;
  }

  async collect(): Promise<CollectionResult> {
    const start = hrTime(this.startedAt);
    const end = hrTime(Date.now());
    const metrics = this.instruments.flatMap((i) => i.data(start, end) ?? []);
    return { resourceMetrics: { resource: this.resource, scopeMetrics: metrics.length ? [{ scope: { name: "isartor" }, metrics }] : [] }, errors: [] };
  }
}
