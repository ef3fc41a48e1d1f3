// Histograms aggregated in plain JS — explicit buckets, cumulative since start, the same semantics as
// the OpenTelemetry SDK's explicit-bucket aggregation (a value lands in the first bucket whose upper
// bound it does not exceed) — and handed to every metric reader as a MetricProducer. Recording a
// sample is a map lookup by a precomputed key, a bucket scan and a few additions: no attribute
// hashing per call, which is what the SDK's synchronous histogram costs on the request path.
import { ValueType, type Attributes, type HrTime } from "@opentelemetry/api";
import { AggregationTemporality, DataPointType, type CollectionResult, type HistogramMetricData, type MetricProducer } from "@opentelemetry/sdk-metrics";
import type { Resource } from "@opentelemetry/resources";

interface Series {
  attributes: Attributes;
  counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
}

const hrTime = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

export class LocalHistogram {
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly description: string,
    readonly unit: string,
    private readonly boundaries: number[],
  ) {}

  /** `key` names the label set; `attributes` is called once, the first time that key is seen. */
  record(key: string, value: number, attributes: () => Attributes): void {
    if (Number.isNaN(value)) return;
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { attributes: attributes(), counts: new Array(this.boundaries.length + 1).fill(0), sum: 0, count: 0, min: Infinity, max: -Infinity }));
    const b = this.boundaries;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    s.counts[i]!++;
    s.sum += value;
    s.count++;
    if (value < s.min) s.min = value;
    if (value > s.max) s.max = value;
  }

  data(start: HrTime, end: HrTime): HistogramMetricData | undefined {
    if (this.series.size === 0) return undefined;
    return {
      descriptor: { name: this.name, description: this.description, unit: this.unit, valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: [...this.series.values()].map((s) => ({
        attributes: s.attributes,
        startTime: start,
        endTime: end,
        value: { buckets: { boundaries: [...this.boundaries], counts: [...s.counts] }, sum: s.sum, count: s.count, min: s.min, max: s.max },
      })),
    };
  }
}

/** The producer every reader is given (pull for /metrics, OTLP push): one scope, "isartor". */
export class LocalHistograms implements MetricProducer {
  private readonly histograms: LocalHistogram[] = [];
  private readonly startedAt = Date.now();

  constructor(private readonly resource: Resource) {}

  create(name: string, description: string, unit: string, boundaries: number[]): LocalHistogram {
    const h = new LocalHistogram(name, description, unit, boundaries);
    this.histograms.push(h);
    return h;
  }

  async collect(): Promise<CollectionResult> {
    const start = hrTime(this.startedAt);
    const end = hrTime(Date.now());
    const metrics = this.histograms.flatMap((h) => h.data(start, end) ?? []);
    return { resourceMetrics: { resource: this.resource, scopeMetrics: metrics.length ? [{ scope: { name: "isartor" }, metrics }] : [] }, errors: [] };
  }
}
