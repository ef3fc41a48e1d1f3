// One scripting surface over the mock upstreams, so a client library's scenarios (plain prompt, stream,
// tool loop, cache-hit replay) run unchanged against each upstream wire format.
import { expect } from "bun:test";
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
  /** a Gemini thoughtSignature on the call (upstreams of other formats have none) */
  signature?: string;
}

export type ScriptedReply = { text: string } | { call: ScriptedCall };

export interface ScriptedUpstream {
  /** the gateway's provider, pointed at the mock */
  provider: ProviderClient;
  /** bodies the mock received, in order */
  bodies(): any[];
  /** the next requests are answered with these replies in order (the last repeats) */
  script(...replies: ScriptedReply[]): void;
  /** Gemini: the thoughtSignature on the function call the last request sent back */
  signatureSentBack?(): string | undefined;
  stop(): void;
}

interface Mock<R> {
  url: string;
  requests: { body: any }[];
  replies: R[];
  stop(): void;
}

/** A mock with its own reply shape behind the common surface. */
function scripted<R>(mock: Mock<R>, provider: (url: string) => ProviderClient, text: (text: string) => R, call: (call: ScriptedCall) => R): ScriptedUpstream {
  return {
    provider: provider(mock.url),
    bodies: () => mock.requests.map((r) => r.body),
    script: (...replies) => {
      mock.replies = replies.map((r) => ("text" in r ? text(r.text) : call(r.call)));
    },
    stop: () => mock.stop(),
  };
}

const timeoutMs = 20_000;

export const chatCompletionsUpstream = () =>
  scripted(
    startMockOpenAI(),
    (baseUrl) => new OpenAICompatibleClient({ name: "openai", baseUrl, apiKey: "sk-up", timeoutMs }),
    (text) => ({ text }),
    (c) => ({ toolCalls: [{ id: c.id, name: c.name, arguments: JSON.stringify(c.args) }] }),
  );

export const responsesUpstream = () =>
  scripted(
    startMockResponses(),
    (baseUrl) => new OpenAICompatibleClient({ name: "openai", baseUrl, apiKey: "sk-up", timeoutMs, responsesApi: true }),
    (text) => ({ text }),
    (c) => ({ toolCalls: [{ callId: c.id, name: c.name, arguments: JSON.stringify(c.args) }] }),
  );

export const anthropicUpstream = () =>
  scripted(
    startMockAnthropic(),
    (baseUrl) => new AnthropicClient({ name: "anthropic", baseUrl, apiKey: "sk-ant", timeoutMs }),
    (text) => ({ text }),
    (c) => ({ toolCalls: [{ id: c.id, name: c.name, input: c.args }] }),
  );

export function geminiUpstream(): ScriptedUpstream {
  const mock = startMockGemini();
  return {
    ...scripted(
      mock,
      (baseUrl) => new GeminiClient({ name: "gemini", baseUrl, apiKey: "g-key", timeoutMs }),
      (text) => ({ text }),
      (c) => ({ functionCalls: [{ id: c.id, name: c.name, args: c.args, ...(c.signature ? { thoughtSignature: c.signature } : {}) }] }),
    ),
    signatureSentBack: () =>
      mock.requests
        .at(-1)
        ?.body.contents.flatMap((c: any) => c.parts)
        .find((p: any) => p.functionCall)?.thoughtSignature,
  };
}

/** The last two requests were a tool loop: the tool's definition went up, then the call and its result ({ tempC: 24 }). */
export function expectToolLoopUpstream(upstream: ScriptedUpstream, callId: string): void {
  expect(JSON.stringify(upstream.bodies().at(-2))).toContain("Weather for a city");
  const second = JSON.stringify(upstream.bodies().at(-1));
  expect(second).toContain(callId);
  // a JSON string inside the body (Chat Completions, Anthropic) or an object (Gemini's functionResponse)
  expect(second).toMatch(/\\?"tempC\\?":24/);
}
