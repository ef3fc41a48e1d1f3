// What clients see before and around their first call: HEAD / and GET / answer without a key, a 404
// shows up in the request log, and a Responses answer can only be continued by the tenant that got it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";

const KEY_A = "isk-tenant-a-0123456789";
const KEY_B = "isk-tenant-b-0123456789";
let upstream: MockUpstream;
let gateway: RunningGateway;
const logLines: string[] = [];

beforeAll(async () => {
  upstream = startMockOpenAI([{ text: "Hello" }]);
  gateway = await startTestGateway(
    {
      ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url,
      ISARTOR__CACHE_MODE: "exact",
      ISARTOR__LOG_LEVEL: "debug",
      ISARTOR__GATEWAY_KEYS: JSON.stringify([
        { id: "a", key: KEY_A, tenant: "tenant-a" },
        { id: "b", key: KEY_B, tenant: "tenant-b" },
      ]),
    },
    { logSink: (line) => logLines.push(line) },
  );
});
afterAll(async () => {
  await gateway.stop();
  upstream.stop();
});

test("HEAD / answers 200 without a key; GET / names the API surfaces", async () => {
  const head = await fetch(`${gateway.url}/`, { method: "HEAD" });
  expect(head.status).toBe(200);
  const root = await fetch(`${gateway.url}/`);
  expect(root.status).toBe(200);
  const body = (await root.json()) as { name: string; endpoints: Record<string, string> };
  expect(body.name).toBe("isartor");
  expect(body.endpoints.openai_responses).toBe("/v1/responses");
});

test("a request to an unknown route is answered 404 and appears in the request log", async () => {
  const res = await fetch(`${gateway.url}/v1/no-such-thing`, { method: "POST", headers: { authorization: `Bearer ${KEY_A}` }, body: "{}" });
  expect(res.status).toBe(404);
  await Bun.sleep(50);
  const line = logLines.map((l) => JSON.parse(l)).find((l) => l.path === "/v1/no-such-thing");
  expect(line).toMatchObject({ msg: "request", method: "POST", status: 404 });
});

test("previous_response_id is scoped to the tenant that received the response", async () => {
  const a = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY_A, maxRetries: 0 });
  const b = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY_B, maxRetries: 0 });
  const first = await a.responses.create({ model: "gpt-4o-mini", input: "remember the number 7" });
  expect((await a.responses.create({ model: "gpt-4o-mini", previous_response_id: first.id, input: "which number?" })).output_text).toBe("Hello");
  const err = await b.responses.create({ model: "gpt-4o-mini", previous_response_id: first.id, input: "which number?" }).catch((e) => e);
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  expect(err.param).toBe("previous_response_id");
});
