// Prometheus text exposition (format 0.0.4) of whatever a pull reader collects, written by the
// OpenTelemetry Prometheus exporter's own serializer. Names come out as registered (counters
// already end in _total, histograms in _seconds; the serializer adds no unit suffix), and scope
// labels are left off so label sets are exactly the ones seed 003's PromQL groups by.
import { PrometheusSerializer } from "@opentelemetry/exporter-prometheus";
import type { MetricReader } from "@opentelemetry/sdk-metrics";

const serializer = new PrometheusSerializer(undefined, false, undefined, false, true);

export async function prometheusText(reader: MetricReader): Promise<string> {
  const { resourceMetrics } = await reader.collect();
  return serializer.serialize(resourceMetrics);
}
