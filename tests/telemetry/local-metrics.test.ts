// The gateway's own request-path instruments aggregate exactly as the OpenTelemetry SDK's counter and
// explicit-bucket histogram do.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { MeterProvider, MetricReader, type HistogramMetricData, type SumMetricData } from "@opentelemetry/sdk-metrics";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LocalMetrics } from "../../src/telemetry/local-metrics.ts";
import { DURATION_BUCKETS } from "../../src/telemetry/metrics.ts";

class Reader extends MetricReader {
  protected async onForceFlush() {}
  protected async onShutdown() {}
}

test("buckets, count, sum, min and max match the SDK's for any samples, boundary values included", async () => {
  const sample = fc.oneof(fc.constantFrom(...DURATION_BUCKETS, 0, 1e-9, 1000), fc.double({ min: 0, max: 400, noNaN: true }));
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom("L1a_ExactCache", "L3_Cloud"), sample), { minLength: 1, maxLength: 60 }), async (samples) => {
      const reader = new Reader();
      const sdk = new MeterProvider({ readers: [reader] }).getMeter("x").createHistogram("h", { advice: { explicitBucketBoundaries: DURATION_BUCKETS } });
      const ours = new LocalMetrics(resourceFromAttributes({}));
      const h = ours.histogram("h", "", "s", DURATION_BUCKETS);
      for (const [layer, v] of samples) {
        sdk.record(v, { final_layer: layer });
        h.record(layer, v, () => ({ final_layer: layer }));
      }
      const points = (data: HistogramMetricData) =>
        Object.fromEntries(data.dataPoints.map((p) => [String(p.attributes.final_layer), { ...p.value, sum: Math.round((p.value.sum ?? 0) * 1e9) / 1e9 }]));
      const expected = (await reader.collect()).resourceMetrics.scopeMetrics[0]!.metrics[0] as HistogramMetricData;
      const actual = (await ours.collect()).resourceMetrics.scopeMetrics[0]!.metrics[0] as HistogramMetricData;
      expect(points(actual)).toEqual(points(expected));
    }),
    { numRuns: 200 },
  );
});

test("nothing recorded: no metric, so an idle gateway exports no empty histogram", async () => {
  const ours = new LocalMetrics(resourceFromAttributes({}));
  ours.histogram("h", "", "s", DURATION_BUCKETS);
  ours.counter("c", "");
  expect((await ours.collect()).resourceMetrics.scopeMetrics).toEqual([]);
});

test("counter sums per label set match the SDK's monotonic cumulative sum", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom("L1a_ExactCache", "L3_Cloud", "L0_Guard"), fc.integer({ min: 0, max: 5000 })), { minLength: 1, maxLength: 60 }), async (adds) => {
      const reader = new Reader();
      const sdk = new MeterProvider({ readers: [reader] }).getMeter("x").createCounter("c");
      const ours = new LocalMetrics(resourceFromAttributes({}));
      const c = ours.counter("c", "");
      for (const [layer, v] of adds) {
        sdk.add(v, { final_layer: layer });
        c.add(layer, v, () => ({ final_layer: layer }));
      }
      const points = (data: SumMetricData) => Object.fromEntries(data.dataPoints.map((p) => [String(p.attributes.final_layer), p.value]));
      const expected = (await reader.collect()).resourceMetrics.scopeMetrics[0]!.metrics[0] as SumMetricData;
      const actual = (await ours.collect()).resourceMetrics.scopeMetrics[0]!.metrics[0] as SumMetricData;
      expect(actual.isMonotonic).toBe(true);
      expect(points(actual)).toEqual(points(expected));
    }),
    { numRuns: 200 },
  );
});
