// CI record/replay: a run with ci.mode = record writes every answer to a file; a later run with
// ci.mode = replay answers the same requests from it and never calls a provider.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI } from "../helpers/mock-openai-upstream.ts";

const upstream = startMockOpenAI([{ text: "recorded answer" }]);
afterAll(() => upstream.stop());

function env(mode: string, path: string, extra: Record<string, string> = {}) {
  return { ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url, ISARTOR__EXTERNAL_LLM_API_KEY: "sk-test", ISARTOR__CACHE_MODE: "exact", ISARTOR__CI__MODE: mode, ISARTOR__CI__RECORDING_PATH: path, ...extra };
}

const ask = (client: OpenAI, content: string) => client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }).withResponse();

describe("ci.mode record / replay", () => {
  const path = join(mkdtempSync(join(tmpdir(), "isartor-rec-")), "rec.jsonl");

  test("record: every completed answer is appended once, keyed like L1a", async () => {
    const gw = await startTestGateway(env("record", path));
    try {
      const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "x" });
      expect((await ask(client, "first question")).response.headers.get("x-isartor-layer")).toBe("l3");
      expect((await ask(client, "second question")).response.headers.get("x-isartor-layer")).toBe("l3");
      expect((await ask(client, "first question")).response.headers.get("x-isartor-layer")).toBe("l1a");
      const stream = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "streamed question" }] });
      for await (const _ of stream);
    } finally {
      await gw.stop();
    }
    const lines = readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.length).toBe(3);
    expect(lines[0].key).toMatch(/^x:[0-9a-f]{64}$/);
    expect(lines[0].response.message.content[0].text).toBe("recorded answer");
  });

  test("replay: the same requests are answered from the file, the provider is never called; a miss is a 503", async () => {
    const before = upstream.requests.length;
    const gw = await startTestGateway(env("replay", path));
    try {
      const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "x", maxRetries: 0 });
      const first = await ask(client, "first question");
      expect(first.response.headers.get("x-isartor-layer")).toBe("l1a");
      expect(first.data.choices[0]!.message.content).toBe("recorded answer");
      const stream = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "streamed question" }] });
      let text = "";
      for await (const c of stream) text += c.choices[0]?.delta?.content ?? "";
      expect(text).toBe("recorded answer");
      const miss = await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "never recorded" }] }) });
      expect(miss.status).toBe(503);
      expect(((await miss.json()) as { error: { message: string } }).error.message).toContain("not in the recording");
    } finally {
      await gw.stop();
    }
    expect(upstream.requests.length).toBe(before);
  });

  test("replay with replay_miss = passthrough asks the provider for misses but never writes the recording", async () => {
    const size = readFileSync(path, "utf8").length;
    const gw = await startTestGateway(env("replay", path, { ISARTOR__CI__REPLAY_MISS: "passthrough" }));
    try {
      const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "x" });
      expect((await ask(client, "a new question")).response.headers.get("x-isartor-layer")).toBe("l3");
    } finally {
      await gw.stop();
    }
    expect(readFileSync(path, "utf8").length).toBe(size);
  });

  test("replay without a recording refuses to start, naming the file", async () => {
    await expect(startTestGateway(env("replay", "/nonexistent/rec.jsonl"))).rejects.toThrow("/nonexistent/rec.jsonl");
  });
});
