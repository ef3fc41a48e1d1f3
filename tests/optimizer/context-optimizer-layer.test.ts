// L2.5 through the gateway: what the upstream receives, what the caller sees, and that caching still
// works on the request as sent.
import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";

const CLAUDE_MD = [
  "# CLAUDE.md",
  "- Run `bun test` before every commit and keep tsc clean; never commit generated files.",
  "- Prefer small files with one job each; explain the why in comments, never the what.",
  "- Public APIs are documented in docs/ and changes to them need a changelog entry.",
].join("\n");
const LOG = Array.from({ length: 400 }, (_, i) => `2024-05-01T10:${String(i % 60).padStart(2, "0")}:00Z INFO ${["GET /a", "POST /b", "cache hit", "GET /c"][i % 4]} ${i}ms`).join("\n");

let upstream: MockUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  upstream = startMockOpenAI([{ text: "done" }]);
  gateway = await startTestGateway({ ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url, ISARTOR__CACHE_MODE: "exact" }, { logSink: () => {} });
});
afterAll(async () => {
  await gateway.stop();
  upstream.stop();
});

const messages = (tag: string) => [
  { role: "system", content: `You are a coding agent.\n\n${CLAUDE_MD}` },
  { role: "user", content: `${CLAUDE_MD}\n\nWhy does the server log look like this? (${tag})\n\n\`\`\`\n${LOG}\n\`\`\`` },
];

const post = (body: object, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

test("the upstream gets a smaller, self-contained request; the caller sees the savings", async () => {
  const before = upstream.requests.length;
  const res = await post({ model: "gpt-4o-mini", messages: messages("a") });
  expect(res.status).toBe(200);
  expect(res.headers.get("x-isartor-context-optimized")).toBe("true");
  expect(Number(res.headers.get("x-isartor-context-tokens-saved"))).toBeGreaterThan(1000);
  const sent = upstream.requests[before]!.body as { messages: { role: string; content: string }[] };
  expect(sent.messages[0]).toEqual(messages("a")[0]!); // system prompt untouched, instructions included once
  const user = sent.messages[1]!.content;
  expect(user).toContain("[isartor: repeated block omitted");
  expect(user).toContain("Why does the server log look like this? (a)");
  expect(user).toMatch(/\[isartor: \d+ log lines omitted\]/);
  expect(user.length).toBeLessThan(messages("a")[1]!.content.length / 3);
  expect(user).toContain(LOG.split("\n").at(-1)!);
});

test("caching keys on the request as the caller sent it", async () => {
  const first = await post({ model: "gpt-4o-mini", messages: messages("cache") });
  expect(first.headers.get("x-isartor-layer")).toBe("l3");
  const second = await post({ model: "gpt-4o-mini", messages: messages("cache") });
  expect(second.headers.get("x-isartor-layer")).toBe("l1a");
});

test("x-isartor-optimize: off sends the body as it came", async () => {
  const before = upstream.requests.length;
  const res = await post({ model: "gpt-4o-mini", messages: messages("raw") }, { "x-isartor-optimize": "off", "x-isartor-cache": "bypass" });
  expect(res.headers.get("x-isartor-context-optimized")).toBe("off");
  expect((upstream.requests[before]!.body as { messages: unknown }).messages).toEqual(messages("raw"));
});

test("a small request passes unchanged and says so; the OpenAI SDK works through the layer", async () => {
  const client = new OpenAI({ apiKey: "unused", baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  const { data, response } = await client.chat.completions
    .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello there" }] })
    .withResponse();
  expect(data.choices[0]!.message.content).toBe("done");
  expect(response.headers.get("x-isartor-context-optimized")).toBe("false");
  expect(upstream.requests.at(-1)!.body.messages).toEqual([{ role: "user", content: "hello there" }]);
});

test("cross-format: an Anthropic request to an OpenAI upstream keeps its system prompt and is crunched", async () => {
  const before = upstream.requests.length;
  const res = await fetch(`${gateway.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ model: "gpt-4o-mini", max_tokens: 50, system: CLAUDE_MD, messages: [{ role: "user", content: `${CLAUDE_MD}\n\n${LOG}` }] }),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("x-isartor-context-optimized")).toBe("true");
  const sent = upstream.requests[before]!.body as { messages: { role: string; content: string }[] };
  expect(sent.messages[0]).toEqual({ role: "system", content: CLAUDE_MD });
  expect(sent.messages[1]!.content.length).toBeLessThan(LOG.length / 3);
});
