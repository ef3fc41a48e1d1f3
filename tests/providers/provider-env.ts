// Shared setup for the provider tests: gateway settings for a chain of fault upstreams.
import { readFileSync, existsSync } from "node:fs";
import type { FaultUpstream } from "../helpers/fault-upstream.ts";
import type { ProviderEntry } from "../../src/providers/registry.ts";
import type { UsageRecord } from "../../src/providers/usage-log.ts";
import type { RunningGateway } from "../../src/server/server.ts";

export const secretOf = (name: string) => `sk-${name}-0123456789abcdef`;

/** Environment for a gateway whose providers are these upstreams, in this order. */
export function chainEnv(ups: FaultUpstream[], extra: Record<string, string> = {}, entry: (u: FaultUpstream) => Partial<ProviderEntry> = () => ({})) {
  return {
    ISARTOR__PROVIDERS: JSON.stringify(ups.map((u) => ({ name: u.name, vendor: "custom", base_url: u.url, api_key: secretOf(u.name), timeout_secs: 0.6, ...entry(u) }))),
    ISARTOR__CACHE_MODE: "exact",
    ISARTOR__RETRY__MAX_RETRIES: "1",
    ISARTOR__RETRY__BASE_DELAY_MS: "5",
    ISARTOR__RETRY__MAX_DELAY_MS: "3000",
    ISARTOR__CIRCUIT_BREAKER__FAILURE_THRESHOLD: "0",
    ISARTOR__PROVIDER_HEALTH_CHECK_INTERVAL_SECS: "0",
    ...extra,
  };
}

export async function usageRecords(gateway: RunningGateway): Promise<UsageRecord[]> {
  const log = gateway.services.providers.usage;
  await log.flush();
  if (!existsSync(log.path)) return [];
  return readFileSync(log.path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as UsageRecord);
}

export const ask = (content: string, extra: Record<string, unknown> = {}) => ({
  model: "gpt-4o-mini",
  messages: [{ role: "user" as const, content }],
  ...extra,
});
