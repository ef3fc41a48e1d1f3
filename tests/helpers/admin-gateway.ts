// A gateway for admin API tests: admin routes open to an admin key, chat routes to a gateway key,
// the exact cache on, in front of a mock OpenAI upstream that holds a known provider secret.
import { expect, test } from "bun:test";
import type { RunningGateway } from "../../src/server/server.ts";
import type { MockUpstream } from "./mock-openai-upstream.ts";
import { postChat, startMockedGateway } from "./mocked-gateway.ts";

/** the upstream key; admin responses must never contain it */
export const PROVIDER_SECRET = "sk-provider-secret-0123456789abcdef";

export interface AdminGatewayOptions {
  adminKey: string;
  gatewayKey: string;
  /** what the mock upstream answers */
  answer: string;
  configFile?: string;
  logSink?: (line: string) => void;
}

export interface AdminGateway {
  gateway: RunningGateway;
  upstream: MockUpstream;
  /** a request with an optional bearer key and JSON body */
  call(method: string, path: string, key?: string, body?: unknown): Promise<Response>;
  /** a chat completion with the gateway key */
  ask(content: string): Promise<Response>;
  stop(): Promise<void>;
}

export async function startAdminGateway(o: AdminGatewayOptions): Promise<AdminGateway> {
  const { upstream, gateway } = await startMockedGateway({
    answer: o.answer,
    gatewayKey: o.gatewayKey,
    providerKey: PROVIDER_SECRET,
    env: { ISARTOR__ADMIN_API_KEY: o.adminKey },
    overrides: { logSink: o.logSink ?? (() => {}), ...(o.configFile ? { configFile: o.configFile } : {}) },
  });
  const call = (method: string, path: string, key?: string, body?: unknown) =>
    fetch(`${gateway.url}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const ask = (content: string) => postChat(gateway, content, { authorization: `Bearer ${o.gatewayKey}` });
  return {
    gateway,
    upstream,
    call,
    ask,
    stop: async () => {
      await gateway.stop();
      upstream.stop();
    },
  };
}

/**
 * One test per route: 401 with an authentication_error without a key, with a wrong key and with the
 * gateway key. `bodyFor` gives the body each method sends (none by default).
 */
export function testAdminRefusals(routes: [string, string][], admin: () => AdminGateway, gatewayKey: string, bodyFor: (method: string) => unknown = () => undefined): void {
  for (const [method, path] of routes) {
    test(`${method} ${path}: 401 without a key, with a wrong key, and with a gateway key`, async () => {
      for (const key of [undefined, "wrong-admin-key", gatewayKey]) {
        const res = await admin().call(method, path, key, bodyFor(method));
        expect(res.status).toBe(401);
        expect(((await res.json()) as { error: { type: string } }).error.type).toBe("authentication_error");
      }
    });
  }
}
