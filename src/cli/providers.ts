// `isartor providers`: the L3 providers and how they are doing. Asks the running gateway's /health;
// when none answers, lists the configured providers with status "unknown".
import { parseArgs } from "node:util";
import { vendor, vendorIdOf } from "../providers/registry.ts";
import { effectiveProviders } from "../providers/default-provider.ts";
import { parseHostPort } from "../server/server.ts";
import { CONFIG_FLAGS, configFromFlags } from "./common-flags.ts";

export const PROVIDERS_HELP = `isartor providers [--url URL] [--json] [--config FILE]
  Show each L3 provider: status, last latency, keys available and the last error.
  Asks the running gateway (--url, default from host_port); without one, lists the configuration.`;

interface Row {
  name: string;
  vendor: string;
  status: string;
  circuit?: string;
  latency_ms?: number;
  last_error?: string;
  keys: { available: number; total: number };
}

export async function providers(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...CONFIG_FLAGS, url: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    console.log(PROVIDERS_HELP);
    return 0;
  }
  const { config } = configFromFlags(values);
  const { hostname, port } = parseHostPort(config.host_port);
  const host = hostname === "0.0.0.0" || hostname === "::" || hostname === "" ? "127.0.0.1" : hostname;
  const url = (values.url ?? `http://${host.includes(":") ? `[${host}]` : host}:${port}`).replace(/\/+$/, "");

  let rows: Row[];
  let source: string;
  try {
    // /health shows last_error only to the admin key
    const headers: Record<string, string> = config.admin_api_key ? { authorization: `Bearer ${config.admin_api_key}` } : {};
    const res = await fetch(`${url}/health`, { headers, signal: AbortSignal.timeout(3000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    rows = ((await res.json()) as { providers?: Row[] }).providers ?? [];
    source = `live from ${url}`;
  } catch (err) {
    rows = effectiveProviders(config).map((p) => {
      const keys = (p.api_keys?.length ?? 0) + (p.api_key ? 1 : 0) + (p.api_key_env && process.env[p.api_key_env] ? 1 : 0);
      const needsKey = vendor(vendorIdOf(p))?.keyRequired ?? true;
      return { name: p.name, vendor: vendorIdOf(p), status: "unknown", keys: { available: keys || (needsKey ? 0 : 1), total: keys || (needsKey ? 0 : 1) } };
    });
    source = `from the configuration (no gateway at ${url}: ${(err as Error).message})`;
  }

  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    console.log("no L3 provider is configured (set ISARTOR__EXTERNAL_LLM_API_KEY or [[providers]] in isartor.toml)");
    return 0;
  }
  const table = [
    ["PROVIDER", "VENDOR", "STATUS", "LATENCY", "KEYS", "LAST ERROR"],
    ...rows.map((r) => [
      r.name,
      r.vendor,
      r.circuit && r.circuit !== "closed" ? `${r.status} (circuit ${r.circuit.replace("_", "-")})` : r.status,
      r.latency_ms !== undefined ? `${r.latency_ms} ms` : "-",
      `${r.keys.available}/${r.keys.total}`,
      r.last_error ?? "-",
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  console.log(`L3 providers, ${source}\n`);
  for (const row of table) console.log(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "));
  return 0;
}
