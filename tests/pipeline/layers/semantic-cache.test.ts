// L1b end to end: real gateway on a random port, the fixture encoder in real embed workers, a mock
// OpenAI upstream speaking SSE, the official SDKs as clients. The fixture's random weights make
// identical questions similarity 1 while unrelated ones reach ~0.97, so the suite runs at threshold
// 0.99 and checks mechanics (hits, scoping, thresholds, guard, fail open), not paraphrase quality.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { join } from "node:path";
import { EmbedUnavailableError, emptyStats, type Embedder } from "../../../src/inference/embedder.ts";
import type { SemanticCacheLayer } from "../../../src/pipeline/layers/semantic-cache.ts";
import type { RunningGateway } from "../../../src/server/server.ts";
import { startTestGateway } from "../../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../../helpers/mock-openai-upstream.ts";

const FIXTURE_MODEL = join(import.meta.dir, "../../fixtures/models/tiny-minilm");

let upstream: MockUpstream;
const gateways: RunningGateway[] = [];

async function gatewayWith(env: Record<string, string>, overrides = {}) {
  const gw = await startTestGateway(
    {
      ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url,
      ISARTOR__EXTERNAL_LLM_API_KEY: "sk-upstream-test",
      ISARTOR__CACHE_MODE: "semantic",
      ISARTOR__EMBEDDING__MODEL_PATH: FIXTURE_MODEL,
      ISARTOR__EMBEDDING__TIMEOUT_MS: "30000",
      ISARTOR__OFFLINE: "true",
      ISARTOR__SIMILARITY_THRESHOLD: "0.99",
      ...env,
    },
    overrides,
  );
  gateways.push(gw);
  for (let i = 0; i < 600 && !gw.services.isReady(); i++) await Bun.sleep(50);
  return gw;
}
const layerOf = (gw: RunningGateway) => gw.services.pipeline.layers.find((l) => l.name === "l1b") as SemanticCacheLayer;
const openai = (gw: RunningGateway) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused", maxRetries: 0 });
const ask = (content: string, system?: string) => ({
  model: "gpt-4o-mini",
  messages: [...(system ? [{ role: "system" as const, content: system }] : []), { role: "user" as const, content }],
});

beforeAll(() => {
  upstream = startMockOpenAI();
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  upstream.stop();
});

describe("semantic hits through HTTP", () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await gatewayWith({});
  });

  test("readiness waited for the model, and L1b sits before L3", async () => {
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
    expect(gw.services.layersEnabled).toContain("l1b");
    expect(gw.services.layersEnabled.indexOf("l1b")).toBeLessThan(gw.services.layersEnabled.indexOf("l3"));
    expect(layerOf(gw).embedder.state()).toBe("ready");
  });

  test("a question asked again is answered by l1b with a fresh id, in OpenAI format", async () => {
    upstream.replies = [{ text: "Plans start at 10 EUR a month." }];
    const before = upstream.requests.length;
    const first = await openai(gw).chat.completions.create(ask("What does the pro plan cost?")).withResponse();
    expect(first.response.headers.get("x-isartor-layer")).toBe("l3");
    const again = await openai(gw).chat.completions.create(ask("  What does the pro plan cost?  ")).withResponse();
    expect(again.response.headers.get("x-isartor-layer")).toBe("l1b");
    expect(again.response.headers.get("x-isartor-deflected")).toBe("true");
    expect(Number(again.response.headers.get("x-isartor-similarity"))).toBeCloseTo(1, 3);
    expect(again.data.choices[0]!.message.content).toBe("Plans start at 10 EUR a month.");
    expect(again.data.id).not.toBe(first.data.id);
    expect(again.data.model).toBe("gpt-4o-mini");
    expect(upstream.requests.length).toBe(before + 1);
  });

  test("a stream request is answered from L1b as a well-formed SSE stream", async () => {
    upstream.replies = [{ text: "Open Settings, then Security." }];
    await openai(gw).chat.completions.create(ask("Where do I turn on two-factor login?"));
    const { data: stream, response } = await openai(gw)
      .chat.completions.create({ ...ask("Where do I turn on two-factor login?"), stream: true })
      .withResponse();
    expect(response.headers.get("x-isartor-layer")).toBe("l1b");
    let text = "";
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe("Open Settings, then Security.");
    expect(finish).toBe("stop");
  });

  test("an answer that streamed from L3 is stored once the stream completed", async () => {
    upstream.replies = [{ text: "We ship worldwide in 3 days." }];
    const stream = await openai(gw).chat.completions.create({ ...ask("Do you ship abroad?"), stream: true });
    for await (const _ of stream);
    const again = await openai(gw).chat.completions.create(ask("Do you ship abroad?")).withResponse();
    expect(again.response.headers.get("x-isartor-layer")).toBe("l1b");
    expect(again.data.choices[0]!.message.content).toBe("We ship worldwide in 3 days.");
  });

  test("the same question under another system prompt or model is not a hit (scope)", async () => {
    upstream.replies = [{ text: "scoped answer" }];
    await openai(gw).chat.completions.create(ask("How long is the warranty?", "You are a support bot."));
    const otherSystem = await openai(gw).chat.completions.create(ask("How long is the warranty?", "You are a pirate.")).withResponse();
    expect(otherSystem.response.headers.get("x-isartor-layer")).toBe("l3");
    const otherModel = await openai(gw)
      .chat.completions.create({ ...ask("How long is the warranty?", "You are a support bot."), model: "gpt-4o" })
      .withResponse();
    expect(otherModel.response.headers.get("x-isartor-layer")).toBe("l3");
    const same = await openai(gw).chat.completions.create(ask("How long is the warranty?", "You are a support bot.")).withResponse();
    expect(same.response.headers.get("x-isartor-layer")).toBe("l1b");
  });

  test("Cache-Control: no-cache skips the lookup; upstream errors are never stored", async () => {
    upstream.replies = [{ text: "fresh" }];
    await openai(gw).chat.completions.create(ask("Is the API down?"));
    const bypass = await openai(gw).chat.completions.create(ask("Is the API down?"), { headers: { "cache-control": "no-cache" } }).withResponse();
    expect(bypass.response.headers.get("x-isartor-layer")).toBe("l3");

    upstream.replies = [{ status: 500 }];
    const failed = await openai(gw).chat.completions.create(ask("Why did my invoice fail?")).then(
      () => undefined,
      (err: unknown) => err as { status?: number },
    );
    expect(failed?.status).toBe(500);
    upstream.replies = [{ text: "recovered" }];
    const after = await openai(gw).chat.completions.create(ask("Why did my invoice fail?")).withResponse();
    expect(after.response.headers.get("x-isartor-layer")).toBe("l3");
    expect(after.data.choices[0]!.message.content).toBe("recovered");
  });

  test("an Anthropic client gets the L1b hit in Anthropic format", async () => {
    upstream.replies = [{ text: "Refunds take 5 days." }];
    const client = new Anthropic({ baseURL: gw.url, apiKey: "unused", maxRetries: 0 });
    const body = { model: "claude-haiku-4-5", max_tokens: 100, messages: [{ role: "user" as const, content: "How long do refunds take?" }] };
    const first = await client.messages.create(body).withResponse();
    expect(first.response.headers.get("x-isartor-layer")).toBe("l3");
    const again = await client.messages.create(body).withResponse();
    expect(again.response.headers.get("x-isartor-layer")).toBe("l1b");
    expect(again.data.type).toBe("message");
    expect(again.data.id).toStartWith("msg_");
    expect(again.data.content[0]).toEqual({ type: "text", text: "Refunds take 5 days." } as never);
  });
});

describe("threshold and false-hit guard", () => {
  // threshold 0: every stored question in scope is a vector match, so only the guard stands between
  // "capital of France" and "capital of Germany"
  test("with the guard on, near misses go upstream; with it off, the same pair is a (wrong) hit", async () => {
    const guarded = await gatewayWith({ ISARTOR__SIMILARITY_THRESHOLD: "0" });
    const unguarded = await gatewayWith({ ISARTOR__SIMILARITY_THRESHOLD: "0", ISARTOR__SEMANTIC_GUARD: "false" });
    for (const gw of [guarded, unguarded]) {
      upstream.replies = [{ text: "Paris." }];
      await openai(gw).chat.completions.create(ask("What is the capital of France?"));
    }
    const pairs = ["What is the capital of Germany?", "What is not the capital of France?", "What were the 2 capitals of France?"];
    for (const q of pairs) {
      upstream.replies = [{ text: "upstream answer" }];
      const g = await openai(guarded).chat.completions.create(ask(q)).withResponse();
      expect(g.response.headers.get("x-isartor-layer")).toBe("l3");
      const u = await openai(unguarded).chat.completions.create(ask(q)).withResponse();
      expect(u.response.headers.get("x-isartor-layer")).toBe("l1b");
    }
    const rejected = layerOf(guarded).stats().guardRejected;
    expect(rejected.entities + rejected.negation + rejected.numbers).toBeGreaterThanOrEqual(3);
  });

  test("threshold 1 demands the same question", async () => {
    const gw = await gatewayWith({ ISARTOR__SIMILARITY_THRESHOLD: "0.9999" });
    upstream.replies = [{ text: "Yes." }];
    await openai(gw).chat.completions.create(ask("Can I pay by card?"));
    expect((await openai(gw).chat.completions.create(ask("Can I pay with a card please?")).withResponse()).response.headers.get("x-isartor-layer")).toBe("l3");
    expect((await openai(gw).chat.completions.create(ask("Can I pay by card?")).withResponse()).response.headers.get("x-isartor-layer")).toBe("l1b");
  });
});

describe("fail open", () => {
  function refusingEmbedder(reason: "timeout" | "queue_full" | "worker_crash"): Embedder {
    return {
      name: "refusing",
      state: () => "ready",
      failure: () => undefined,
      start: async () => {},
      embed: async () => {
        throw new EmbedUnavailableError(reason, `refused: ${reason}`);
      },
      stats: emptyStats,
      close: async () => {},
    };
  }

  for (const reason of ["timeout", "queue_full", "worker_crash"] as const) {
    test(`an embedder ${reason} skips L1b, the request is answered by L3, and it is counted`, async () => {
      const gw = await gatewayWith({}, { embedder: refusingEmbedder(reason) });
      upstream.replies = [{ text: "from upstream" }];
      for (let i = 0; i < 2; i++) {
        const res = await openai(gw).chat.completions.create(ask("What are your opening hours?")).withResponse();
        expect(res.response.headers.get("x-isartor-layer")).toBe("l3");
        expect(res.data.choices[0]!.message.content).toBe("from upstream");
      }
      expect(layerOf(gw).stats().skipped[reason]).toBeGreaterThanOrEqual(2);
    });
  }

  test("offline with no model: the gateway still serves, L1b is off and the reason names the missing file", async () => {
    const emptyCache = join(import.meta.dir, "../../fixtures/does-not-exist");
    const gw = await gatewayWith({ ISARTOR__EMBEDDING__MODEL_PATH: "", ISARTOR_HF_CACHE_DIR: emptyCache });
    expect(gw.services.isReady()).toBe(true);
    expect(layerOf(gw).embedder.state()).toBe("failed");
    expect(layerOf(gw).embedder.failure()).toContain("onnx/model_quantized.onnx");
    expect(layerOf(gw).embedder.failure()).toContain("offline");
    upstream.replies = [{ text: "still works" }];
    const res = await openai(gw).chat.completions.create(ask("Hello?")).withResponse();
    expect(res.response.headers.get("x-isartor-layer")).toBe("l3");
    expect(layerOf(gw).stats().skipped.not_ready).toBe(1);
  });
});
