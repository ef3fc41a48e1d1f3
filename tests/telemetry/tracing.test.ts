// Spans end to end: a real gateway whose spans go to an in-memory exporter; parents, names and
// attributes as seed 003 names them, the caller's traceparent continued, secrets never in a span.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { SpanStatusCode } from "@opentelemetry/api";
import { emptyStats, normalize, type Embedder } from "../../src/inference/embedder.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";

const PROVIDER_KEY = "sk-tracing-provider-key-0123456789";
const GATEWAY_KEY = "gw-tracing-key-abcdef";

/** Bag-of-words vectors: texts sharing most words are close; enough to drive L1b deterministically. */
function wordsEmbedder(): Embedder {
  const dims = 256;
  const vec = (text: string) => {
    const v = new Float32Array(dims);
    for (const w of text.toLowerCase().match(/[a-z]+/g) ?? []) {
      let h = 0;
      for (const c of w) h = (h * 31 + c.charCodeAt(0)) >>> 0;
      v[h % dims]! += 1;
    }
    return normalize(v);
  };
  return {
    name: "words",
    state: () => "ready",
    failure: () => undefined,
    start: async () => {},
    embed: async (texts) => texts.map(vec),
    stats: emptyStats,
    close: async () => {},
  };
}

let upstream: MockUpstream;
let gateway: RunningGateway;
const exporter = new InMemorySpanExporter();

beforeAll(async () => {
  upstream = startMockOpenAI([{ text: "Paris." }]);
  gateway = await startTestGateway(
    {
      ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url,
      ISARTOR__EXTERNAL_LLM_API_KEY: PROVIDER_KEY,
      ISARTOR__GATEWAY_API_KEY: GATEWAY_KEY,
      ISARTOR__CACHE_MODE: "both",
      ISARTOR__SEMANTIC_GUARD: "false",
      ISARTOR__SIMILARITY_THRESHOLD: "0.8",
      ISARTOR__RETRY__MAX_RETRIES: "1",
      ISARTOR__RETRY__BASE_DELAY_MS: "1",
    },
    { embedder: wordsEmbedder(), telemetry: { spanExporter: exporter } },
  );
});
afterAll(async () => {
  await gateway.stop();
  upstream.stop();
});
beforeEach(() => exporter.reset());

async function chat(content: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${GATEWAY_KEY}`, ...headers },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }),
  });
  await res.text();
  return res;
}

/** the spans of the one request just made, waiting for the root (it ends after the response is sent) */
async function spans(): Promise<ReadableSpan[]> {
  for (let i = 0; i < 200 && !exporter.getFinishedSpans().some((s) => s.name === "gateway_request"); i++) await Bun.sleep(10);
  return exporter.getFinishedSpans();
}
const byName = (all: ReadableSpan[], name: string) => all.filter((s) => s.name === name);
const one = (all: ReadableSpan[], name: string) => {
  const found = byName(all, name);
  expect(found.map((s) => s.name)).toEqual([name]);
  return found[0]!;
};
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

describe("spans", () => {
  test("an L3 request: root → layer children → one upstream attempt, caller's traceparent continued", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const callerSpan = "00f067aa0ba902b7";
    upstream.replies = [{ text: "Paris is the capital." }];
    const res = await chat("what is the capital of france", { traceparent: `00-${traceId}-${callerSpan}-01` });
    expect(res.headers.get("x-isartor-layer")).toBe("l3");
    const all = await spans();
    const root = one(all, "gateway_request");
    expect(root.spanContext().traceId).toBe(traceId);
    expect(parentOf(root)).toBe(callerSpan);
    expect(all.every((s) => s.spanContext().traceId === traceId)).toBe(true);
    expect(root.attributes["isartor.final_layer"]).toBe("L3_Cloud");
    expect(root.attributes["isartor.cache.hit"]).toBe(false);
    expect(root.attributes["isartor.provider"]).toBe("openai");
    expect(root.attributes["gen_ai.request.model"]).toBe("gpt-4o-mini");
    expect(root.attributes["isartor.tokens.input"]).toBe(11);
    expect(root.attributes["isartor.tokens.output"]).toBe(7);
    expect(root.attributes["http.response.status_code"]).toBe(200);

    const rootId = root.spanContext().spanId;
    const l1a = one(all, "l1a_exact_cache_lookup");
    const l1b = one(all, "l1b_semantic_cache_search");
    const l3 = one(all, "l3_cloud_provider");
    for (const layer of [l1a, l1b, l3]) expect(parentOf(layer)).toBe(rootId);
    expect(l1a.attributes["isartor.cache.hit"]).toBe(false);
    expect(l1b.attributes["isartor.cache.hit"]).toBe(false);
    const attempt = one(all, "l3_upstream_attempt");
    expect(parentOf(attempt)).toBe(l3.spanContext().spanId);
    expect(attempt.attributes["isartor.provider"]).toBe("openai");
    expect(attempt.attributes["isartor.attempt"]).toBe(1);
    // the answer is offered back to both caches under the root
    expect(parentOf(one(all, "l1a_exact_cache_insert"))).toBe(rootId);
    expect(parentOf(one(all, "l1b_semantic_cache_insert"))).toBe(rootId);
  });

  test("a paraphrase: l1b hit with cosine_similarity, no L3 span", async () => {
    upstream.replies = [{ text: "Blue, mostly." }];
    await chat("what colour is the sky on a clear day");
    exporter.reset();
    const res = await chat("what colour is the sky on a clear day please");
    expect(res.headers.get("x-isartor-layer")).toBe("l1b");
    const all = await spans();
    const root = one(all, "gateway_request");
    expect(root.attributes["isartor.final_layer"]).toBe("L1b_SemanticCache");
    expect(root.attributes["isartor.cache.hit"]).toBe(true);
    const l1b = one(all, "l1b_semantic_cache_search");
    expect(l1b.attributes["isartor.cache.hit"]).toBe(true);
    const similarity = l1b.attributes.cosine_similarity as number;
    expect(similarity).toBeGreaterThanOrEqual(0.8);
    expect(similarity).toBeCloseTo(Number(res.headers.get("x-isartor-similarity")), 4);
    expect(byName(all, "l3_cloud_provider")).toEqual([]);
    expect(byName(all, "l3_upstream_attempt")).toEqual([]);
  });

  test("an exact hit: final layer L1a, cache hit", async () => {
    upstream.replies = [{ text: "Four." }];
    await chat("two plus two");
    exporter.reset();
    await chat("two plus two");
    const all = await spans();
    expect(one(all, "gateway_request").attributes["isartor.final_layer"]).toBe("L1a_ExactCache");
    expect(one(all, "l1a_exact_cache_lookup").attributes["isartor.cache.hit"]).toBe(true);
    expect(byName(all, "l1b_semantic_cache_search")).toEqual([]);
  });

  test("a retried upstream call: two attempt spans under L3, the first failed", async () => {
    upstream.replies = [{ status: 500 }, { text: "second time lucky" }];
    const res = await chat("retry this one");
    expect(res.status).toBe(200);
    const all = await spans();
    const l3 = one(all, "l3_cloud_provider");
    const attempts = byName(all, "l3_upstream_attempt").sort((a, b) => (a.attributes["isartor.attempt"] as number) - (b.attributes["isartor.attempt"] as number));
    expect(attempts.map((a) => a.attributes["isartor.attempt"])).toEqual([1, 2]);
    for (const a of attempts) expect(parentOf(a)).toBe(l3.spanContext().spanId);
    expect(attempts[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempts[0]!.attributes["http.response.status_code"]).toBe(500);
    expect(attempts[1]!.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  test("secrets never reach a span: a key in the prompt, in headers, and echoed in an upstream error", async () => {
    upstream.replies = [{ status: 401, errorBody: { error: { message: `Incorrect API key provided: ${PROVIDER_KEY}`, type: "invalid_request_error" } } }];
    const res = await chat(`my key is ${PROVIDER_KEY} and the gateway's is ${GATEWAY_KEY}`, { "x-api-key": GATEWAY_KEY });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const all = await spans();
    const root = one(all, "gateway_request");
    expect(root.status.code).toBe(SpanStatusCode.ERROR);
    const dump = JSON.stringify(all.map((s) => ({ name: s.name, attributes: s.attributes, status: s.status, events: s.events })));
    expect(dump).not.toContain(PROVIDER_KEY);
    expect(dump).not.toContain(GATEWAY_KEY);
    expect(dump).toContain("[REDACTED]");
  });
});

describe("structured log", () => {
  test("with monitoring on, each request line carries isartor.final_layer and the trace id (seed 003's jq)", async () => {
    const lines: string[] = [];
    const spansHere = new InMemorySpanExporter();
    const gw = await startTestGateway(
      { ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url, ISARTOR__EXTERNAL_LLM_API_KEY: PROVIDER_KEY, ISARTOR__CACHE_MODE: "exact", ISARTOR__LOG_LEVEL: "info" },
      { logSink: (l) => lines.push(l), telemetry: { spanExporter: spansHere } },
    );
    try {
      upstream.replies = [{ text: "logged" }];
      for (let i = 0; i < 2; i++) {
        await fetch(`${gw.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "jq me" }] }),
        }).then((r) => r.text());
      }
      await Bun.sleep(50);
      const requests = lines.map((l) => JSON.parse(l)).filter((r) => r.msg === "request");
      expect(requests.map((r) => r.isartor?.final_layer)).toEqual(["L3_Cloud", "L1a_ExactCache"]);
      const roots = spansHere.getFinishedSpans().filter((s) => s.name === "gateway_request");
      expect(requests.map((r) => r.isartor.trace_id).sort()).toEqual(roots.map((s) => s.spanContext().traceId).sort());
    } finally {
      await gw.stop();
    }
  });
});

describe("monitoring off", () => {
  test("no tracer is set up", async () => {
    const gw = await startTestGateway({ ISARTOR__CACHE_MODE: "exact" });
    try {
      expect(gw.services.telemetry.tracingEnabled).toBe(false);
      expect(gw.services.config.enable_monitoring).toBe(false);
    } finally {
      await gw.stop();
    }
  });

  test("enable_monitoring without an endpoint sets up the (console) tracer", async () => {
    const gw = await startTestGateway({ ISARTOR__ENABLE_MONITORING: "true", ISARTOR__CACHE_MODE: "exact" });
    try {
      expect(gw.services.telemetry.tracingEnabled).toBe(true);
    } finally {
      await gw.stop();
    }
  });
});
