// A conversation whose tool calls came from Gemini (signatures carried in the call ids) sent on to an
// OpenAI upstream: the upstream gets the plain ids (OpenAI rejects ids over 40 characters), matching pairs.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";
import { toResponsesBody } from "../../src/providers/wire/responses.ts";
import { createResponsesFormat } from "../../src/formats/responses.ts";
import { ResponseHistory } from "../../src/cache/response-history.ts";

const SIGNED = "call_7__thought__c2lnbmF0dXJlLWZyb20tZ2VtaW5pLXRoYXQtaXMtbG9uZw==";
let upstream: MockUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  upstream = startMockOpenAI([{ text: "It is sunny." }]);
  gateway = await startTestGateway({ ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url, ISARTOR__CACHE_MODE: "exact" });
});
afterAll(async () => {
  await gateway.stop();
  upstream.stop();
});

test("Chat Completions pass-through: tool_calls[].id and tool_call_id reach OpenAI without the signature", async () => {
  const res = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "gpt-4o-mini",
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", content: null, tool_calls: [{ id: SIGNED, type: "function", function: { name: "weather", arguments: "{}" } }] },
        { role: "tool", tool_call_id: SIGNED, content: "sunny" },
      ],
      tools: [{ type: "function", function: { name: "weather", parameters: { type: "object", properties: {} } } }],
    }),
  });
  expect(res.status).toBe(200);
  await res.text();
  const sent = upstream.requests.at(-1)!.body;
  expect(sent.messages[1].tool_calls[0].id).toBe("call_7");
  expect(sent.messages[2].tool_call_id).toBe("call_7");
});

test("a body without signatures is forwarded with its own messages untouched", async () => {
  const messages = [{ role: "user", content: "plain __thought__ in text stays" }];
  const res = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "gpt-4o-mini", messages }) });
  expect(res.status).toBe(200);
  await res.text();
  expect(upstream.requests.at(-1)!.body.messages).toEqual(messages);
});

test("Responses pass-through: input[].call_id loses the signature", () => {
  const format = createResponsesFormat(new ResponseHistory());
  const req = format.parse(
    {
      model: "gpt-5-mini",
      input: [
        { role: "user", content: "weather?" },
        { type: "function_call", call_id: SIGNED, name: "weather", arguments: "{}" },
        { type: "function_call_output", call_id: SIGNED, output: "sunny" },
      ],
    },
    { tenant: "default", headers: new Headers() },
  );
  const body = toResponsesBody(req, "gpt-5-mini", false) as { input: { call_id?: string }[] };
  expect(body.input.map((i) => i.call_id)).toEqual([undefined, "call_7", "call_7"]);
});
