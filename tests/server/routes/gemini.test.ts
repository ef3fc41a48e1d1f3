// /v1beta/models/{model}:generateContent|streamGenerateContent over raw HTTP: both stream framings, errors in Google's shape, auth.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GeminiClient } from "../../../src/providers/gemini-client.ts";
import type { RunningGateway } from "../../../src/server/server.ts";
import { startTestGateway } from "../../helpers/gateway.ts";
import { startMockGemini, type MockGemini } from "../../helpers/mock-gemini-upstream.ts";
import { sseMessages } from "../../formats/stream-text.ts";

let upstream: MockGemini;
let gateway: RunningGateway;
const GATEWAY_KEY = "isartor-test-key-gemini-42";

beforeAll(async () => {
  upstream = startMockGemini();
  gateway = await startTestGateway(
    { ISARTOR__CACHE_MODE: "exact", ISARTOR__GATEWAY_API_KEY: GATEWAY_KEY },
    { provider: new GeminiClient({ name: "gemini", baseUrl: upstream.url, apiKey: "AIza-up", timeoutMs: 20_000 }) },
  );
});
afterAll(async () => {
  await gateway.stop();
  upstream.stop();
});

const post = (path: string, body: unknown, headers: Record<string, string> = { "x-goog-api-key": GATEWAY_KEY }) =>
  fetch(`${gateway.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
const contents = (text: string) => ({ contents: [{ role: "user", parts: [{ text }] }] });

test("?alt=sse relays each upstream chunk as its own event", async () => {
  upstream.replies = [{ text: "alpha beta", functionCalls: [{ name: "lookup", args: { q: "x" } }] }];
  const res = await post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", contents("sse please"));
  expect(res.headers.get("content-type")).toStartWith("text/event-stream");
  const datas = sseMessages(await res.text()).map((m) => m.data);
  expect(datas.length).toBe(3);
  expect(JSON.parse(datas[2]!).candidates[0]).toEqual({ content: { role: "model", parts: [{ functionCall: { name: "lookup", args: { q: "x" } } }] }, finishReason: "STOP", index: 0 });
  expect(upstream.requests.at(-1)!.body).toEqual(contents("sse please"));
});

test("without alt the stream is a JSON array, and a cache hit replays as one too", async () => {
  upstream.replies = [{ text: "array form" }];
  const before = upstream.requests.length;
  for (let i = 0; i < 2; i++) {
    const res = await post("/v1beta/models/gemini-2.5-flash:streamGenerateContent", contents("array please"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("application/json");
    expect(res.headers.get("x-isartor-layer")).toBe(i === 0 ? "l3" : "l1a");
    const chunks = JSON.parse(await res.text()) as { candidates: { content: { parts: { text?: string }[] }; finishReason?: string }[] }[];
    expect(chunks.map((c) => c.candidates[0]!.content.parts.map((p) => p.text ?? "").join("")).join("")).toBe("array form");
    expect(chunks.at(-1)!.candidates[0]!.finishReason).toBe("STOP");
  }
  expect(upstream.requests.length).toBe(before + 1);
});

test("a URL-encoded model name is decoded", async () => {
  upstream.replies = [{ text: "encoded ok" }];
  const res = await post("/v1beta/models/gemini-2.5-flash%3AgenerateContent", contents("encoded"));
  expect(res.status).toBe(200);
  expect(upstream.requests.at(-1)!.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
});

describe("errors in Google's shape", () => {
  test("an unknown method is a 404", async () => {
    const res = await post("/v1beta/models/gemini-2.5-flash:embedContent", contents("x"));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 404, message: expect.stringContaining("embedContent"), status: "NOT_FOUND" } });
  });

  test("a body that is not JSON is a 400 INVALID_ARGUMENT", async () => {
    const res = await post("/v1beta/models/gemini-2.5-flash:generateContent", "[[[");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { status: string } }).error.status).toBe("INVALID_ARGUMENT");
  });

  test("a bad field is named", async () => {
    const res = await post("/v1beta/models/gemini-2.5-flash:generateContent", { contents: [{ role: "user", parts: [{ text: "x" }] }], generationConfig: { topK: 1.5 } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("generationConfig.topK");
  });

  test("no gateway key is a 401 UNAUTHENTICATED", async () => {
    const res = await post("/v1beta/models/gemini-2.5-flash:generateContent", contents("who"), {});
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { status: string } }).error.status).toBe("UNAUTHENTICATED");
  });

  test("an upstream error mid-request keeps Google's shape and is not cached", async () => {
    upstream.replies = [{ status: 503, errorBody: { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } } }];
    const first = await post("/v1beta/models/gemini-2.5-flash:generateContent", contents("overloaded?"));
    expect(first.status).toBe(503);
    expect(await first.json()).toEqual({ error: { code: 503, message: expect.stringContaining("overloaded"), status: "UNAVAILABLE" } });
    upstream.replies = [{ text: "recovered" }];
    const second = await post("/v1beta/models/gemini-2.5-flash:generateContent", contents("overloaded?"));
    expect(second.status).toBe(200);
  });
});
