// L0.5 end to end: real gateways on random ports, two mock OpenAI upstreams as providers "a" and
// "b", heads trained by the real trainer on a deterministic bag-of-words test encoder (mechanics,
// not accuracy), the official OpenAI SDK as client.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serializeArtifact } from "../../../src/router/artifact.ts";
import { trainHeads } from "../../../src/router/train.ts";
import type { RouterLayer } from "../../../src/pipeline/layers/router.ts";
import type { RunningGateway } from "../../../src/server/server.ts";
import { startTestGateway } from "../../helpers/gateway.ts";
import { KeywordEmbedder } from "../../helpers/keyword-embedder.ts";
import { startMockOpenAI, type MockUpstream } from "../../helpers/mock-openai-upstream.ts";

const COMPLEX_CODE = "Design and implement a distributed rate limiter service in Rust with sharding, replication and consensus, then benchmark it and explain every tradeoff";
const SIMPLE_QUESTION = "What are your opening hours on Sunday?";
const SIMPLE_WRITING = "Write a short poem about the sea";
const COMPLEX_WRITING = "Write a long essay comparing three novels, analysing their themes, structure, historical context and critical reception in depth";

const TRAINING: { text: string; task_type: string; complexity: string }[] = [
  { text: COMPLEX_CODE, task_type: "code", complexity: "complex" },
  { text: "Architect a microservice platform in Go with distributed tracing, sharding, failover and a migration plan, explaining each tradeoff", task_type: "code", complexity: "complex" },
  { text: "Implement a lock free concurrent hash map in C++ with benchmarks and a proof of correctness for every operation", task_type: "code", complexity: "complex" },
  { text: "Write a Python function that reverses a string", task_type: "code", complexity: "simple" },
  { text: "Fix this JavaScript loop bug", task_type: "code", complexity: "simple" },
  { text: "How do I sort a list in Python", task_type: "code", complexity: "simple" },
  { text: SIMPLE_WRITING, task_type: "writing", complexity: "simple" },
  { text: "Draft a thank you note to my neighbour", task_type: "writing", complexity: "simple" },
  { text: COMPLEX_WRITING, task_type: "writing", complexity: "complex" },
  { text: "Write a detailed novel chapter with several characters, shifting perspectives, foreshadowing and a twist, in depth", task_type: "writing", complexity: "complex" },
  { text: SIMPLE_QUESTION, task_type: "question", complexity: "simple" },
  { text: "How do I reset my password?", task_type: "question", complexity: "simple" },
  { text: "Where is my order?", task_type: "question", complexity: "simple" },
  { text: "Can I get a refund?", task_type: "question", complexity: "simple" },
];

const MATRIX = JSON.stringify({
  complex: { code: "b/model-b" },
  simple: { writing: "local" },
  default: { default: "a/model-a" },
});

let a: MockUpstream;
let b: MockUpstream;
let artifactPath: string;
const gateways: RunningGateway[] = [];
const encoder = new KeywordEmbedder();

beforeAll(() => {
  a = startMockOpenAI([{ text: "answer from A" }]);
  b = startMockOpenAI([{ text: "answer from B" }]);
  const data = TRAINING.map(({ text, ...labels }) => ({ vector: encoder.vector(text), labels }));
  const { artifact } = trainHeads(data, { encoder: encoder.name, source: "router.test.ts" }, { epochs: 300, holdout: 0 });
  artifactPath = join(mkdtempSync(join(tmpdir(), "isartor-router-")), "heads.json");
  writeFileSync(artifactPath, serializeArtifact(artifact));
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  a.stop();
  b.stop();
});

async function gatewayWith(env: Record<string, string>, embedder: KeywordEmbedder = new KeywordEmbedder()) {
  const gw = await startTestGateway(
    {
      ISARTOR__PROVIDERS: JSON.stringify([
        { name: "a", vendor: "custom", base_url: a.url, api_key: "sk-a-test" },
        { name: "b", vendor: "custom", base_url: b.url, api_key: "sk-b-test" },
      ]),
      ISARTOR__CACHE_MODE: "exact",
      ISARTOR__CLASSIFIER_ROUTING__ENABLED: "true",
      ISARTOR__CLASSIFIER_ROUTING__ARTIFACT_PATH: artifactPath,
      ISARTOR__CLASSIFIER_ROUTING__MATRIX: MATRIX,
      ISARTOR__CLASSIFIER_ROUTING__MIN_CONFIDENCE: "0.4",
      ISARTOR__CLASSIFIER_ROUTING__TIMEOUT_MS: "5000",
      ISARTOR__CONTEXT_OPTIMIZER__ENABLED: "false",
      ...env,
    },
    { embedder },
  );
  gateways.push(gw);
  return { gw, embedder };
}

const client = (gw: RunningGateway) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused", maxRetries: 0 });
const ask = (gw: RunningGateway, content: string) => client(gw).chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }).withResponse();
const last = (u: MockUpstream) => u.requests.at(-1)!.body;

describe("routing through a real gateway", () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    ({ gw } = await gatewayWith({}));
  });

  test("L0.5 runs first, before both caches", () => {
    expect(gw.services.layersEnabled.slice(0, 2)).toEqual(["l0.5", "l1a"]);
  });

  test("the matrix cell picks the provider: complex code goes to b with b's model", async () => {
    const before = { a: a.requests.length, b: b.requests.length };
    const { data, response } = await ask(gw, COMPLEX_CODE);
    expect(response.headers.get("x-isartor-route")).toBe("matrix[complex][code]");
    expect(response.headers.get("x-isartor-route-target")).toBe("b/model-b");
    expect(response.headers.get("x-isartor-route-labels")).toMatch(/task_type=code:\d\.\d\d.*complexity=complex:\d\.\d\d|complexity=complex:\d\.\d\d.*task_type=code/);
    expect(response.headers.get("x-isartor-provider")).toBe("b");
    expect(data.choices[0]!.message.content).toBe("answer from B");
    expect(last(b).model).toBe("model-b");
    expect({ a: a.requests.length, b: b.requests.length }).toEqual({ a: before.a, b: before.b + 1 });
  });

  test("the default cell sends a simple question to a", async () => {
    const { data, response } = await ask(gw, SIMPLE_QUESTION);
    expect(response.headers.get("x-isartor-route")).toBe("matrix[default][default]");
    expect(response.headers.get("x-isartor-provider")).toBe("a");
    expect(last(a).model).toBe("model-a");
    // an upstream answer names the model that produced it
    expect(data.model).toBe("model-a");
  });

  test("a routed stream goes to b and streams", async () => {
    const stream = await client(gw).chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: COMPLEX_CODE }] }, { headers: { "cache-control": "no-cache" } }).withResponse();
    expect(stream.response.headers.get("x-isartor-provider")).toBe("b");
    let text = "";
    for await (const chunk of stream.data) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toBe("answer from B");
    expect(last(b).stream).toBe(true);
    expect(last(b).model).toBe("model-b");
  });

  test('"local" keeps the requested model (L2 reads the hint; without L2 the default chain answers)', async () => {
    const { response } = await ask(gw, SIMPLE_WRITING);
    expect(response.headers.get("x-isartor-route")).toBe("matrix[simple][writing]");
    expect(response.headers.get("x-isartor-route-target")).toBe("local");
    expect(response.headers.get("x-isartor-provider")).toBe("a");
    expect(last(a).model).toBe("gpt-4o-mini");
  });

  test("a repeated routed request is an L1a hit with the routed answer", async () => {
    const { data, response } = await ask(gw, COMPLEX_CODE);
    expect(response.headers.get("x-isartor-layer")).toBe("l1a");
    expect(data.choices[0]!.message.content).toBe("answer from B");
  });
});

describe("the route is part of both cache keys", () => {
  for (const mode of ["exact", "semantic"] as const) {
    test(`${mode}: the same prompt routed and unrouted never shares an entry`, async () => {
      const { gw, embedder } = await gatewayWith({ ISARTOR__CACHE_MODE: mode });
      const prompt = `${COMPLEX_CODE} (${mode})`;
      const cacheLayer = mode === "exact" ? "l1a" : "l1b";
      // 1: the router's embedding fails → fallback, default chain (a, requested model), stored
      embedder.failNext = 1;
      const unrouted = await ask(gw, prompt);
      expect(unrouted.response.headers.get("x-isartor-route")).toBe("fallback; reason=timeout");
      expect(unrouted.response.headers.get("x-isartor-provider")).toBe("a");
      // 2: routed to b: the unrouted entry must not answer it
      const routed = await ask(gw, prompt);
      expect(routed.response.headers.get("x-isartor-layer")).toBe("l3");
      expect(routed.response.headers.get("x-isartor-provider")).toBe("b");
      // 3 and 4: each path hits only its own entry
      const routedAgain = await ask(gw, prompt);
      expect(routedAgain.response.headers.get("x-isartor-layer")).toBe(cacheLayer);
      expect(routedAgain.data.choices[0]!.message.content).toBe("answer from B");
      embedder.failNext = 1;
      const unroutedAgain = await ask(gw, prompt);
      expect(unroutedAgain.response.headers.get("x-isartor-layer")).toBe(cacheLayer);
      expect(unroutedAgain.data.choices[0]!.message.content).toBe("answer from A");
    });
  }

  test("with L1b on, the router's embedding of the question is handed to L1b: one embedder call per request", async () => {
    const { gw, embedder } = await gatewayWith({ ISARTOR__CACHE_MODE: "semantic" });
    const before = embedder.calls;
    const first = await ask(gw, `${SIMPLE_QUESTION} shared`);
    expect(first.response.headers.get("x-isartor-layer")).toBe("l3");
    expect(embedder.calls).toBe(before + 1);
    const again = await ask(gw, `${SIMPLE_QUESTION} shared`);
    expect(again.response.headers.get("x-isartor-layer")).toBe("l1b");
    expect(embedder.calls).toBe(before + 2);
  });

  test("a rule's skip_layers skips the exact cache for the requests it routes", async () => {
    const { gw } = await gatewayWith({ ISARTOR__CLASSIFIER_ROUTING__RULES: JSON.stringify([{ name: "essays-fresh", task_type: "writing", complexity: "complex", target: "a/model-a", skip_layers: ["l1a"] }]) });
    for (let i = 0; i < 2; i++) {
      const { response } = await ask(gw, COMPLEX_WRITING);
      expect(response.headers.get("x-isartor-route")).toBe("essays-fresh");
      expect(response.headers.get("x-isartor-layer")).toBe("l3");
    }
  });
});

describe("fallback mode fails open", () => {
  test("an unavailable embedder: answered unrouted, reason in the header, counted", async () => {
    const embedder = new KeywordEmbedder();
    embedder.failWith = "not_ready";
    const { gw } = await gatewayWith({}, embedder);
    const { data, response } = await ask(gw, COMPLEX_CODE);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-isartor-route")).toBe("fallback; reason=not_ready");
    expect(response.headers.get("x-isartor-provider")).toBe("a");
    expect(last(a).model).toBe("gpt-4o-mini");
    expect(data.choices[0]!.message.content).toBe("answer from A");
    const layer = gw.services.pipeline.layers.find((l) => l.name === "l0.5") as RouterLayer;
    expect(layer.stats().failed.not_ready).toBe(1);
  });

  test("the admin API reports the router's counters", async () => {
    const embedder = new KeywordEmbedder();
    const { gw } = await gatewayWith({ ISARTOR__ADMIN_API_KEY: "admin-key-0123456789abcdef" }, embedder);
    await ask(gw, `${COMPLEX_CODE} counted`);
    embedder.failNext = 1;
    await ask(gw, `${SIMPLE_QUESTION} counted`);
    const res = await fetch(`${gw.url}/api/admin/stats`, { headers: { authorization: "Bearer admin-key-0123456789abcdef" } });
    const stats = (await res.json()) as { classifier_routing: { routed: number; local: number; noMatch: number; failed: Record<string, number> } };
    expect(stats.classifier_routing.routed).toBe(1);
    expect(stats.classifier_routing.failed.timeout).toBe(1);
  });

  test("an embedder slower than classifier_routing.timeout_ms: answered unrouted", async () => {
    const embedder = new KeywordEmbedder();
    embedder.delayMs = 3000;
    const { gw } = await gatewayWith({ ISARTOR__CLASSIFIER_ROUTING__TIMEOUT_MS: "50" }, embedder);
    const { response } = await ask(gw, `${COMPLEX_CODE} slow`);
    expect(response.headers.get("x-isartor-route")).toBe("fallback; reason=timeout");
    expect(response.headers.get("x-isartor-provider")).toBe("a");
  });

  test("vectors of another size than the heads': answered unrouted (dim_mismatch)", async () => {
    const { gw } = await gatewayWith({}, new KeywordEmbedder("keyword-test-encoder", 32));
    const { response } = await ask(gw, `${COMPLEX_CODE} dims`);
    expect(response.headers.get("x-isartor-route")).toBe("fallback; reason=dim_mismatch");
    expect(response.status).toBe(200);
  });

  test("no matching rule: unrouted, header says none", async () => {
    const { gw } = await gatewayWith({ ISARTOR__CLASSIFIER_ROUTING__MATRIX: JSON.stringify({ complex: { code: "b/model-b" } }) });
    const { response } = await ask(gw, SIMPLE_QUESTION);
    expect(response.headers.get("x-isartor-route")).toBe("none");
    expect(response.headers.get("x-isartor-provider")).toBe("a");
  });
});

describe("fail-closed mode (fallback_to_existing_routing = false)", () => {
  const closed = { ISARTOR__CLASSIFIER_ROUTING__FALLBACK_TO_EXISTING_ROUTING: "false", ISARTOR__CLASSIFIER_ROUTING__MATRIX: JSON.stringify({ complex: { code: "b/model-b" } }) };

  test("a classified, matching request is routed", async () => {
    const { gw } = await gatewayWith(closed);
    const { response } = await ask(gw, COMPLEX_CODE);
    expect(response.headers.get("x-isartor-provider")).toBe("b");
  });

  test("no matching rule: 503 and nothing goes upstream", async () => {
    const { gw } = await gatewayWith(closed);
    const before = a.requests.length + b.requests.length;
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: SIMPLE_QUESTION }] }),
    });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { message: string; code?: string } };
    expect(body.error.message).toMatch(/no routing rule matched.*fallback_to_existing_routing = false/);
    expect(a.requests.length + b.requests.length).toBe(before);
  });

  test("an unavailable embedder: 503 naming the reason, nothing goes upstream", async () => {
    const embedder = new KeywordEmbedder();
    embedder.failWith = "queue_full";
    const { gw } = await gatewayWith(closed, embedder);
    const before = a.requests.length + b.requests.length;
    const err = await ask(gw, COMPLEX_CODE).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(503);
    expect(err.message).toMatch(/router could not classify this request \(queue_full/);
    expect(a.requests.length + b.requests.length).toBe(before);
  });
});

test("a gateway whose heads name another encoder does not start", async () => {
  await expect(gatewayWith({}, new KeywordEmbedder("some-other-encoder"))).rejects.toThrow(/trained on encoder 'keyword-test-encoder' but the gateway embeds with 'some-other-encoder'/);
});
