/** "http://collector:4318" → "http://collector:4318/v1/traces"; a URL already naming a signal path is re-pointed. */
export function otlpUrl(endpoint: string, signal: "traces" | "metrics"): string {
  const base = endpoint.replace(/\/+$/, "");
  return /\/v1\/(traces|metrics)$/.test(base) ? base.replace(/\/v1\/(traces|metrics)$/, `/v1/${signal}`) : `${base}/v1/${signal}`;
}
