// One scripting surface over the mock upstreams, so a client library's scenarios (plain prompt, stream,
// tool loop, cache-hit replay) run unchanged against each upstream wire format.
import { AnthropicClient } from "../../src/providers/anthropic-client.ts";
import { GeminiClient } from "../../src/providers/gemini-client.ts";
import { OpenAICompatibleClient } from "../../src/providers/openai-compatible.ts";
import type { ProviderClient } from "../../src/providers/provider.ts";
import { startMockAnthropic } from "../helpers/mock-anthropic-upstream.ts";
import { startMockGemini } from "../helpers/mock-gemini-upstream.ts";
import { startMockOpenAI } from "../helpers/mock-openai-upstream.ts";
import { startMockResponses } from "../helpers/mock-responses-upstream.ts";

export interface ScriptedCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

export interface ScriptedUpstream {
  /** the gateway's provider, pointed at the mock */
  provider: ProviderClient;
  /** bodies the mock received, in order */
  bodies(): any[];
  /** the next requests are answered with these replies in order (the last repeats) */
  script(...replies: ({ text: string } | { call: ScriptedCall })[]): void;
  stop(): void;
}

const timeoutMs = 20_000;

export function chatCompletionsUpstream(): ScriptedUpstream {
  const mock = startMockOpenAI();
  return {
    provider: new OpenAICompatibleClient({ name: "openai", baseUrl: mock.url, apiKey: "sk-up", timeoutMs }),
    bodies: () => mock.requests.map((r) => r.body),
    script: (...replies) => {
      mock.replies = replies.map((r) => ("text" in r ? { text: r.text } : { toolCalls: [{ id: r.call.id, name: r.call.name, arguments: JSON.stringify(r.call.args) }] }));
    },
    stop: () => mock.stop(),
  };
}

export function responsesUpstream(): ScriptedUpstream {
  const mock = startMockResponses();
  return {
    provider: new OpenAICompatibleClient({ name: "openai", baseUrl: mock.url, apiKey: "sk-up", timeoutMs, responsesApi: true }),
    bodies: () => mock.requests.map((r) => r.body),
    script: (...replies) => {
      mock.replies = replies.map((r) => ("text" in r ? { text: r.text } : { toolCalls: [{ callId: r.call.id, name: r.call.name, arguments: JSON.stringify(r.call.args) }] }));
    },
    stop: () => mock.stop(),
  };
}

export function anthropicUpstream(): ScriptedUpstream {
  const mock = startMockAnthropic();
  return {
    provider: new AnthropicClient({ name: "anthropic", baseUrl: mock.url, apiKey: "sk-ant", timeoutMs }),
    bodies: () => mock.requests.map((r) => r.body),
    script: (...replies) => {
      mock.replies = replies.map((r) => ("text" in r ? { text: r.text } : { toolCalls: [{ id: r.call.id, name: r.call.name, input: r.call.args }] }));
    },
    stop: () => mock.stop(),
  };
}

export function geminiUpstream(): ScriptedUpstream {
  const mock = startMockGemini();
  return {
    provider: new GeminiClient({ name: "gemini", baseUrl: mock.url, apiKey: "g-key", timeoutMs }),
    bodies: () => mock.requests.map((r) => r.body),
    script: (...replies) => {
      mock.replies = replies.map((r) => ("text" in r ? { text: r.text } : { functionCalls: [{ id: r.call.id, name: r.call.name, args: r.call.args }] }));
    },
    stop: () => mock.stop(),
  };
}
