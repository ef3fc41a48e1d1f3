// Scrapes a /metrics endpoint and reads it with a real Prometheus text-format parser.
// @ts-expect-error the parser ships no type declarations
import parsePrometheusTextFormat from "parse-prometheus-text-format";

export interface Sample {
  value?: string;
  labels?: Record<string, string>;
  buckets?: Record<string, string>;
  count?: string;
  sum?: string;
}
export interface Family {
  name: string;
  help: string;
  type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
  metrics: Sample[];
}

export function parsePrometheus(text: string): Family[] {
  return parsePrometheusTextFormat(text) as Family[];
}

export async function scrape(url: string, headers: Record<string, string> = {}): Promise<{ text: string; families: Family[] }> {
  const res = await fetch(url, { headers });
  if (res.status !== 200) throw new Error(`scrape ${url}: HTTP ${res.status} ${await res.text()}`);
  const text = await res.text();
  return { text, families: parsePrometheus(text) };
}

const matches = (s: Sample, labels: Record<string, string>) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v);

/** sum over the samples of a counter/gauge family whose labels include `labels` (0 when none) */
export function total(families: Family[], name: string, labels: Record<string, string> = {}): number {
  const f = families.find((x) => x.name === name);
  return (f?.metrics ?? []).filter((s) => matches(s, labels)).reduce((n, s) => n + Number(s.value ?? s.count ?? 0), 0);
}

/** Sample lines of the exposition, name → [{labels, value}] (the parser above folds labelled histograms into one). */
export function sampleLines(text: string): Map<string, { labels: Record<string, string>; value: number }[]> {
  const out = new Map<string, { labels: Record<string, string>; value: number }[]>();
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    const list = out.get(m[1]!) ?? [];
    list.push({ labels, value: Number(m[3]) });
    out.set(m[1]!, list);
  }
  return out;
}

/** histogram observation count (the _count series) over matching series */
export function histogramCount(text: string, name: string, labels: Record<string, string> = {}): number {
  const series = sampleLines(text).get(`${name}_count`) ?? [];
  return series.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);
}
