// OpenAI Chat Completions details through the gateway: usage chunks only when include_usage was asked
// (own final chunk, choices: []), in translated streams and replays; fields the canonical form has no
// name for (system_fingerprint, service_tier, annotations, refusal, logprobs) kept in answers and replays;
// a JSON-mode answer that is not JSON is not cached.
import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { AnthropicClient } from "../../src/providers/anthropic-client.ts";
import { OpenAICompatibleClient } from "../../src/providers/openai-compatible.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { startMockAnthropic, type MockAnthropic } from "../helpers/mock-anthropic-upstream.ts";
import { serveLoopback } from "../helpers/mock-server.ts";
import { gatewayBench } from "./gateway-bench.ts";
import { sseMessages } from "../formats/stream-text.ts";

async function chunksOf(gateway: RunningGateway, body: Record<string, unknown>) {
  const res = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer k" }, body: JSON.stringify({ ...body, stream: true }) });
  const data = sseMessages(await res.text()).map((m) => m.data);
  expect(data.at(-1)).toBe("[DONE]");
  return { layer: res.headers.get("x-isartor-layer"), chunks: data.slice(0, -1).map((d) => JSON.parse(d)) };
}

function expectUsageChunkOnlyWhenAsked(chunks: any[], asked: boolean) {
  const withUsage = chunks.filter((c) => c.usage);
  if (!asked) {
    expect(withUsage).toEqual([]);
    return;
  }
  expect(withUsage.length).toBe(1);
  expect(chunks.at(-1)).toBe(withUsage[0]);
  expect(withUsage[0].choices).toEqual([]);
  expect(withUsage[0].usage.total_tokens).toBeGreaterThan(0);
  expect(chunks.at(-2).choices[0].finish_reason).toBe("stop");
}

describe("include_usage, translated (Anthropic upstream) and replayed", () => {
  const bench = gatewayBench({ upstream: () => startMockAnthropic([{ text: "Hello there" }]), provider: (upstream) => new AnthropicClient({ name: "anthropic", baseUrl: upstream.url, apiKey: "a", timeoutMs: 20_000 }) });

  for (const asked of [false, true]) {
    test(`include_usage ${asked ? "asked" : "not asked"}: live stream and cache replay agree`, async () => {
      const body = { model: "claude-haiku-4-5", messages: [{ role: "user", content: `hi (${asked})` }], ...(asked ? { stream_options: { include_usage: true } } : {}) };
      const live = await chunksOf(bench.gateway, body);
      expect(live.layer).toBe("l3");
      expectUsageChunkOnlyWhenAsked(live.chunks, asked);
      const replay = await chunksOf(bench.gateway, body);
      expect(replay.layer).toBe("l1a");
      expectUsageChunkOnlyWhenAsked(replay.chunks, asked);
    });
  }
});

/** An OpenAI upstream whose answers carry the fields real OpenAI adds; `content` is what it says next. */
function richUpstream() {
  const state = { content: "Hi", requests: [] as any[] };
  const server = serveLoopback(async (req) => {
    state.requests.push(await req.json());
    return Response.json({
      id: "chatcmpl-rich",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "gpt-4o-2024-08-06",
      system_fingerprint: "fp_abc123",
      service_tier: "default",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: state.content, refusal: null, annotations: [{ type: "url_citation", url_citation: { url: "https://example.com", title: "Ex", start_index: 0, end_index: 2 } }] },
          logprobs: { content: [{ token: "Hi", logprob: -0.1, bytes: [72, 105], top_logprobs: [] }], refusal: null },
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    });
  });
  return { state, url: `http://127.0.0.1:${server.port}/v1`, stop: () => server.stop(true) };
}

describe("OpenAI upstream answers keep their extra fields", () => {
  const bench = gatewayBench({ upstream: () => richUpstream(), provider: (upstream) => new OpenAICompatibleClient({ name: "openai", baseUrl: upstream.url, apiKey: "sk", timeoutMs: 20_000 }), client: (url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: "k", maxRetries: 0 }) });

  test("system_fingerprint, service_tier, annotations, refusal and logprobs reach the caller, and its replay", async () => {
    bench.upstream.state.content = "Hi";
    const params = { model: "gpt-4o", messages: [{ role: "user" as const, content: "greet me" }], logprobs: true };
    const first = await bench.client.chat.completions.create(params);
    expect(first.system_fingerprint).toBe("fp_abc123");
    expect(first.service_tier).toBe("default");
    expect(first.choices[0]!.message.annotations?.[0]?.type).toBe("url_citation");
    expect(first.choices[0]!.message.refusal).toBeNull();
    expect(first.choices[0]!.logprobs?.content?.[0]?.token).toBe("Hi");
    const { data: replay, response } = await bench.client.chat.completions.create(params).withResponse();
    expect(response.headers.get("x-isartor-layer")).toBe("l1a");
    expect(replay.id).not.toBe(first.id);
    const { _request_id: _a, ...replayBody } = replay as typeof replay & { _request_id?: string };
    const { _request_id: _b, ...firstBody } = first as typeof first & { _request_id?: string };
    // a replay answers with its own id and time, and the model name the caller asked for
    expect(replay.model).toBe("gpt-4o");
    expect({ ...replayBody, id: first.id, created: first.created, model: first.model }).toEqual(firstBody);
  });

  test("a json_object answer that is not valid JSON is not cached; a valid one is", async () => {
    bench.upstream.state.content = "Sure! {not json";
    const params = { model: "gpt-4o", messages: [{ role: "user" as const, content: "json please" }], response_format: { type: "json_object" as const } };
    const served = bench.upstream.state.requests.length;
    await bench.client.chat.completions.create(params);
    const { response } = await bench.client.chat.completions.create(params).withResponse();
    expect(response.headers.get("x-isartor-layer")).toBe("l3");
    expect(bench.upstream.state.requests.length).toBe(served + 2);

    bench.upstream.state.content = '{"ok":true}';
    const valid = { ...params, messages: [{ role: "user" as const, content: "json please, valid" }] };
    await bench.client.chat.completions.create(valid);
    const second = await bench.client.chat.completions.create(valid).withResponse();
    expect(second.response.headers.get("x-isartor-layer")).toBe("l1a");
    expect(second.data.choices[0]!.message.content).toBe('{"ok":true}');
  });
});
