// What Claude Code sends and reads, through the gateway: mid-conversation system messages, beta headers
// and ?beta=true forwarded, unknown block types kept, prompt-cache usage kept in answers and replays.
import { describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { AnthropicClient } from "../../src/providers/anthropic-client.ts";
import { OpenAICompatibleClient } from "../../src/providers/openai-compatible.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { startMockAnthropic, type MockAnthropic } from "../helpers/mock-anthropic-upstream.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";
import { gatewayBench } from "./gateway-bench.ts";
import { sseMessages } from "../formats/stream-text.ts";

const BETA = "claude-code-20250219,interleaved-thinking-2025-05-14,mid-conversation-system-2026-01-01";

/** A Claude Code style body: system prompt, a turn, then a system message between the turns. */
const claudeCodeBody = (question: string, extra: Record<string, unknown> = {}) => ({
  model: "claude-sonnet-4-6",
  max_tokens: 512,
  system: [{ type: "text", text: "You are Claude Code.", cache_control: { type: "ephemeral" } }],
  messages: [
    { role: "user", content: [{ type: "text", text: "hello" }] },
    { role: "assistant", content: [{ type: "text", text: "Hi! How can I help?" }] },
    { role: "system", content: "The user switched to plan mode." },
    { role: "user", content: [{ type: "text", text: question }, { type: "future_block_2027", payload: { x: 1 } }] },
  ],
  ...extra,
});

function post(gateway: RunningGateway, body: unknown, opts: { search?: string; headers?: Record<string, string> } = {}) {
  return fetch(`${gateway.url}/v1/messages${opts.search ?? ""}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "k", "anthropic-version": "2023-06-01", "anthropic-beta": BETA, ...opts.headers },
    body: JSON.stringify(body),
  });
}

describe("Anthropic upstream", () => {
  const bench = gatewayBench({ upstream: () => startMockAnthropic(), provider: (upstream) => new AnthropicClient({ name: "anthropic", baseUrl: upstream.url, apiKey: "sk-ant", timeoutMs: 20_000 }) });

  test("mid-conversation system messages and unknown blocks go upstream unchanged, with the beta header, version and ?beta=true", async () => {
    bench.upstream.replies = [{ text: "Planning." }];
    const body = claudeCodeBody("make a plan");
    const res = await post(bench.gateway, body, { search: "?beta=true" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { content: unknown }).content).toEqual([{ type: "text", text: "Planning." }]);
    const sent = bench.upstream.requests.at(-1)!;
    expect(sent.body).toEqual(body);
    expect(sent.search).toBe("?beta=true");
    expect(sent.headers.get("anthropic-beta")).toBe(BETA);
    expect(sent.headers.get("anthropic-version")).toBe("2023-06-01");
    expect(sent.headers.get("x-api-key")).toBe("sk-ant");
  });

  test("prompt-cache usage and unknown answer blocks are kept, in the answer and in its replays (real counts, no re-estimate)", async () => {
    const usage = { input_tokens: 3, cache_creation_input_tokens: 1200, cache_read_input_tokens: 528, output_tokens: 9 };
    const extra = { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "bun" } };
    bench.upstream.replies = [{ text: "Cached.", usage, extraBlocks: [extra] }];
    const body = claudeCodeBody("what is cached?");
    const first = (await (await post(bench.gateway, body)).json()) as { usage: unknown; content: unknown[] };
    expect(first.usage).toEqual(usage);
    expect(first.content).toEqual([{ type: "text", text: "Cached." }, extra]);

    const again = await post(bench.gateway, body);
    expect(again.headers.get("x-isartor-layer")).toBe("l1a");
    const replay = (await again.json()) as { usage: unknown; content: unknown[]; id: string };
    expect(replay.usage).toEqual(usage);
    expect(replay.content).toEqual(first.content);
    expect(replay.id).toStartWith("msg_");

    const streamed = await post(bench.gateway, { ...body, stream: true });
    expect(streamed.headers.get("x-isartor-layer")).toBe("l1a");
    const events = sseMessages(await streamed.text()).map((m) => JSON.parse(m.data));
    expect(events[0].message.usage).toEqual({ ...usage, output_tokens: 1 });
    expect(events.find((e) => e.type === "message_delta").usage).toEqual(usage);
  });

  test("the SDK reads the cache fields of a streamed answer through the gateway", async () => {
    const usage = { input_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 1731, output_tokens: 9 };
    bench.upstream.replies = [{ text: "From cache upstream.", usage }];
    const client = new Anthropic({ baseURL: bench.gateway.url, apiKey: "k", maxRetries: 0 });
    const stream = client.messages.stream(claudeCodeBody("stream me") as never);
    const final = await stream.finalMessage();
    expect(final.usage.cache_read_input_tokens).toBe(1731);
    expect(final.usage.input_tokens).toBe(7);
  });
});

describe("OpenAI upstream", () => {
  const bench = gatewayBench({ upstream: () => startMockOpenAI([{ text: "ok" }]), provider: (upstream) => new OpenAICompatibleClient({ name: "openai", baseUrl: upstream.url, apiKey: "sk", timeoutMs: 20_000 }) });

  test("a mid-conversation system message becomes a system-role message in place; the beta header is not sent on", async () => {
    const res = await post(bench.gateway, claudeCodeBody("make a plan"));
    expect(res.status).toBe(200);
    const sent = bench.upstream.requests.at(-1)!;
    expect(sent.body.messages).toEqual([
      { role: "system", content: "You are Claude Code." },
      { role: "user", content: "hello" },
      { role: "assistant", content: "Hi! How can I help?" },
      { role: "system", content: "The user switched to plan mode." },
      { role: "user", content: [{ type: "text", text: "make a plan" }] },
    ]);
    expect(sent.headers.get("anthropic-beta")).toBeNull();
  });
});
