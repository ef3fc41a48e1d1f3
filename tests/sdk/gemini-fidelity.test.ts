// What Gemini CLI relies on, through the gateway: thoughtSignature on every part that carries one
// (function calls included), in answers and in cache replays, replay ids in Gemini's shape; and
// Gemini's upper-case schema types translated for other upstreams.
import { describe, expect, test } from "bun:test";
import { GeminiClient } from "../../src/providers/gemini-client.ts";
import { OpenAICompatibleClient } from "../../src/providers/openai-compatible.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { startMockGemini, type MockGemini } from "../helpers/mock-gemini-upstream.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";
import { gatewayBench } from "./gateway-bench.ts";
import { sseMessages } from "../formats/stream-text.ts";

type Part = { text?: string; thoughtSignature?: string; functionCall?: { name: string; args: unknown } };
type GeminiAnswer = { candidates: { content: { parts: Part[] } }[]; responseId: string; usageMetadata?: unknown };

function call(gateway: RunningGateway, model: string, body: unknown, stream = false) {
  const action = stream ? "streamGenerateContent?alt=sse" : "generateContent";
  return fetch(`${gateway.url}/v1beta/models/${model}:${action}`, { method: "POST", headers: { "content-type": "application/json", "x-goog-api-key": "k" }, body: JSON.stringify(body) });
}

const parts = (a: GeminiAnswer) => a.candidates[0]!.content.parts;
const streamedParts = async (res: Response) => sseMessages(await res.text()).flatMap((m) => parts(JSON.parse(m.data) as GeminiAnswer));

describe("Gemini upstream", () => {
  const bench = gatewayBench({ upstream: () => startMockGemini(), provider: (upstream) => new GeminiClient({ name: "gemini", baseUrl: upstream.url, apiKey: "g", timeoutMs: 20_000 }) });

  test("a function call's thoughtSignature survives the answer, its non-streamed replay and its streamed replay", async () => {
    bench.upstream.replies = [{ functionCalls: [{ name: "read_file", args: { path: "a.ts" }, thoughtSignature: "sig-fc-1" }] }];
    const body = { contents: [{ role: "user", parts: [{ text: "open a.ts" }] }], tools: [{ functionDeclarations: [{ name: "read_file", parameters: { type: "OBJECT", properties: { path: { type: "STRING" } } } }] }] };
    const first = (await (await call(bench.gateway, "gemini-3-pro", body)).json()) as GeminiAnswer;
    expect(parts(first)).toEqual([{ functionCall: { name: "read_file", args: { path: "a.ts" } }, thoughtSignature: "sig-fc-1" }]);

    const again = await call(bench.gateway, "gemini-3-pro", body);
    expect(again.headers.get("x-isartor-layer")).toBe("l1a");
    const replay = (await again.json()) as GeminiAnswer;
    expect(parts(replay)).toEqual(parts(first));
    expect(replay.usageMetadata).toEqual(first.usageMetadata);
    expect(replay.responseId).not.toBe(first.responseId);
    expect(replay.responseId).toMatch(/^[A-Za-z0-9_-]+$/);

    const streamed = await call(bench.gateway, "gemini-3-pro", body, true);
    expect(streamed.headers.get("x-isartor-layer")).toBe("l1a");
    expect((await streamedParts(streamed)).find((p) => p.functionCall)).toEqual({ functionCall: { name: "read_file", args: { path: "a.ts" } }, thoughtSignature: "sig-fc-1" });
  });

  test("a streamed answer's signatures (text part and function call) are kept in its cached replay", async () => {
    bench.upstream.replies = [{ text: "Let me look.", textSignature: "sig-text", functionCalls: [{ name: "ls", args: {}, thoughtSignature: "sig-fc-2" }] }];
    const body = { contents: [{ role: "user", parts: [{ text: "list files" }] }] };
    const live = await streamedParts(await call(bench.gateway, "gemini-3-pro", body, true));
    expect(live.filter((p) => p.thoughtSignature).map((p) => p.thoughtSignature)).toEqual(["sig-text", "sig-fc-2"]);

    const replay = await call(bench.gateway, "gemini-3-pro", body);
    expect(replay.headers.get("x-isartor-layer")).toBe("l1a");
    const replayed = parts((await replay.json()) as GeminiAnswer);
    expect(replayed).toEqual([{ text: "Let me look.", thoughtSignature: "sig-text" }, { functionCall: { name: "ls", args: {} }, thoughtSignature: "sig-fc-2" }]);
  });

  test("signatures the caller sends back reach the upstream on every part", async () => {
    bench.upstream.replies = [{ text: "done" }];
    const body = {
      contents: [
        { role: "user", parts: [{ text: "list files" }] },
        { role: "model", parts: [{ text: "Let me look.", thoughtSignature: "sig-text" }, { functionCall: { name: "ls", args: {} }, thoughtSignature: "sig-fc-2" }] },
        { role: "user", parts: [{ functionResponse: { name: "ls", response: { files: ["a.ts"] } } }] },
      ],
    };
    expect((await call(bench.gateway, "gemini-3-pro", body)).status).toBe(200);
    expect(bench.upstream.requests.at(-1)!.body.contents).toEqual(body.contents);
  });
});

describe("OpenAI upstream behind a Gemini caller", () => {
  const bench = gatewayBench({ upstream: () => startMockOpenAI([{ text: '{"ok":true}' }]), provider: (upstream) => new OpenAICompatibleClient({ name: "openai", baseUrl: upstream.url, apiKey: "sk", timeoutMs: 20_000 }) });

  test("Gemini's OBJECT/STRING schema types arrive as JSON Schema object/string, nullable as a type union", async () => {
    const body = {
      contents: [{ role: "user", parts: [{ text: "check" }] }],
      tools: [{ functionDeclarations: [{ name: "find", parameters: { type: "OBJECT", properties: { q: { type: "STRING" }, limit: { type: "INTEGER", nullable: true }, tags: { type: "ARRAY", items: { type: "STRING" } } }, required: ["q"] } }] }],
      generationConfig: { responseMimeType: "application/json", responseSchema: { type: "OBJECT", properties: { ok: { type: "BOOLEAN" } } } },
    };
    expect((await call(bench.gateway, "gpt-4o-mini", body)).status).toBe(200);
    const sent = bench.upstream.requests.at(-1)!.body;
    expect(sent.tools[0].function.parameters).toEqual({
      type: "object",
      properties: { q: { type: "string" }, limit: { type: ["integer", "null"] }, tags: { type: "array", items: { type: "string" } } },
      required: ["q"],
    });
    expect(sent.response_format).toEqual({ type: "json_schema", json_schema: { name: "response", schema: { type: "object", properties: { ok: { type: "boolean" } } } } });
  });
});
