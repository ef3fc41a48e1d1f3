// What an SDK suite runs against: a mock upstream, a gateway (exact cache) with it as the provider, and
// the SDK's client of the gateway. Set up in beforeAll and stopped in afterAll of the calling describe;
// the returned object is filled in once the suite starts.
import { afterAll, beforeAll } from "bun:test";
import OpenAI from "openai";
import type { ProviderClient } from "../../src/providers/provider.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";

export interface GatewayBench<U, C> {
  upstream: U;
  gateway: RunningGateway;
  client: C;
}

/** client: the SDK's client of the gateway (suites that build their own, or only fetch, leave it out). */
export function gatewayBench<U extends { stop(): void }, C = undefined>(start: { upstream: () => U; provider: (upstream: U) => ProviderClient; client?: (gatewayUrl: string) => C }): GatewayBench<U, C> {
  const bench = {} as GatewayBench<U, C>;
  beforeAll(async () => {
    bench.upstream = start.upstream();
    bench.gateway = await startTestGateway({ ISARTOR__CACHE_MODE: "exact" }, { provider: start.provider(bench.upstream) });
    if (start.client) bench.client = start.client(bench.gateway.url);
  });
  afterAll(async () => {
    await bench.gateway?.stop();
    bench.upstream?.stop();
  });
  return bench;
}

/** The official openai SDK pointed at the gateway. */
export function openAIBench<U extends { stop(): void }>(upstream: () => U, provider: (upstream: U) => ProviderClient): GatewayBench<U, OpenAI> {
  return gatewayBench({ upstream, provider, client: (url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: "k", maxRetries: 0 }) });
}
