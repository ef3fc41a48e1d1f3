// A real gateway in front of a mock OpenAI upstream, the setup of tests that drive traffic through
// the whole pipeline: one scripted answer, the exact cache on, a gateway key required.
import type { ServiceOverrides } from "../../src/server/build-services.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "./gateway.ts";
import { startMockOpenAI, type MockUpstream } from "./mock-openai-upstream.ts";

export interface MockedGatewayOptions {
  /** what the mock upstream answers */
  answer: string;
  gatewayKey: string;
  /** the upstream key the gateway sends (tests check it never comes back) */
  providerKey: string;
  /** more ISARTOR__* settings */
  env?: Record<string, string>;
  overrides?: ServiceOverrides;
}

export async function startMockedGateway(o: MockedGatewayOptions): Promise<{ upstream: MockUpstream; gateway: RunningGateway }> {
  const upstream = startMockOpenAI([{ text: o.answer }]);
  const gateway = await startTestGateway(
    {
      ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url,
      ISARTOR__EXTERNAL_LLM_API_KEY: o.providerKey,
      ISARTOR__GATEWAY_API_KEY: o.gatewayKey,
      ISARTOR__CACHE_MODE: "exact",
      ...o.env,
    },
    o.overrides,
  );
  return { upstream, gateway };
}

/** POST /v1/chat/completions with one user message, with these headers (authorization among them). */
export function postChat(gateway: RunningGateway, content: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }),
  });
}
