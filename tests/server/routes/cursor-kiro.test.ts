// Cursor and Kiro send OpenAI Chat Completions to /v1/chat/completions with their own headers.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { RunningGateway } from "../../../src/server/server.ts";
import { OpenAICompatibleClient } from "../../../src/providers/openai-compatible.ts";
import { startTestGateway } from "../../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../../helpers/mock-openai-upstream.ts";

let upstream: MockUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  upstream = startMockOpenAI();
  gateway = await startTestGateway(
    { ISARTOR__CACHE_MODE: "exact" },
    { provider: new OpenAICompatibleClient({ name: "openai", baseUrl: upstream.url, apiKey: "sk-up", timeoutMs: 20_000 }) },
  );
});
afterAll(async () => {
  await gateway.stop();
  upstream.stop();
});

const clients = {
  cursor: { "x-cursor-checksum": "abc123", "x-cursor-client-version": "1.7.0" },
  kiro: { "x-kiro-version": "0.4.0" },
};

for (const [name, headers] of Object.entries(clients)) {
  describe(name, () => {
    const client = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "k", maxRetries: 0, defaultHeaders: headers });

    test("the body reaches an OpenAI upstream verbatim and the answer is OpenAI's", async () => {
      upstream.replies = [{ text: `hi ${name}` }];
      const body = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: `ping from ${name}` }], logit_bias: { "50256": -100 }, user: "dev-1" };
      const res = await client().chat.completions.create(body);
      expect(res.choices[0]!.message.content).toBe(`hi ${name}`);
      expect(res.object).toBe("chat.completion");
      const sent = upstream.requests.at(-1)!.body;
      expect(sent).toEqual({ ...body, stream: false });
    });

    test("streams pass through chunk by chunk, tool calls included", async () => {
      upstream.replies = [{ text: "a b", toolCalls: [{ id: "call_1", name: "read_file", arguments: '{"path":"x.ts"}' }] }];
      const stream = await client().chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: `edit a file (${name})` }],
        tools: [{ type: "function", function: { name: "read_file", parameters: { type: "object", properties: { path: { type: "string" } } } } }],
        stream: true,
      });
      const texts: string[] = [];
      const args: string[] = [];
      let finish: string | null = null;
      for await (const chunk of stream as AsyncIterable<OpenAI.ChatCompletionChunk>) {
        const choice = chunk.choices[0];
        if (!choice) continue;
        if (choice.delta.content) texts.push(choice.delta.content);
        for (const tc of choice.delta.tool_calls ?? []) if (tc.function?.arguments) args.push(tc.function.arguments);
        finish = choice.finish_reason ?? finish;
      }
      expect(texts).toEqual(["a ", "b"]);
      expect(args.join("")).toBe('{"path":"x.ts"}');
      expect(finish).toBe("tool_calls");
    });

    test("has its own cache namespace: a plain OpenAI answer is not reused, its own is", async () => {
      upstream.replies = [{ text: "generic" }];
      const ask = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: `namespaced question for ${name}` }] };
      const plain = await new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "k", maxRetries: 0 }).chat.completions.create(ask).withResponse();
      expect(plain.response.headers.get("x-isartor-layer")).toBe("l3");
      upstream.replies = [{ text: `for ${name}` }];
      const first = await client().chat.completions.create(ask).withResponse();
      expect(first.response.headers.get("x-isartor-layer")).toBe("l3");
      expect(first.data.choices[0]!.message.content).toBe(`for ${name}`);
      const second = await client().chat.completions.create(ask).withResponse();
      expect(second.response.headers.get("x-isartor-layer")).toBe("l1a");
      expect(second.data.choices[0]!.message.content).toBe(`for ${name}`);
    });

    test("bad input is a 400 in OpenAI's error shape", async () => {
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: "not a list" }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { type: string; param: string } };
      expect(body.error.type).toBe("invalid_request_error");
      expect(body.error.param).toBe("messages");
    });
  });
}

test("requests without IDE headers still reach the plain OpenAI route", async () => {
  upstream.replies = [{ text: "plain" }];
  const res = await new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "k", maxRetries: 0 }).chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "plain client" }],
  });
  expect(res.choices[0]!.message.content).toBe("plain");
});
