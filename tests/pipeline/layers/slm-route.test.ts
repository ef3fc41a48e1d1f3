// L2 follows L0.5's route hint: "local" answers without classifying, "upstream" leaves the request
// to L3. The layer runs on a real worker pool (the protocol-speaking fixture worker).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { SlmWorkerPool } from "../../../src/inference/slm-pool.ts";
import type { RequestContext, RouteHint } from "../../../src/pipeline/context.ts";
import { SlmLayer } from "../../../src/pipeline/layers/slm.ts";
import { MISBEHAVING_SLM_WORKER } from "../../helpers/slm.ts";

const pool = new SlmWorkerPool({
  locateModel: async () => "fixture.gguf",
  settings: { gpu: false, threads: 1, contextSize: 512, repeatPenalty: 1.1 },
  workers: 1,
  queueSize: 4,
  timeoutMs: 10_000,
  workerUrl: MISBEHAVING_SLM_WORKER,
});
// tiered mode with COMPLEX-only local labels: the fixture classifies TEMPLATE, so a classified request is never answered
const layer = new SlmLayer(pool, pool, {
  mode: "tiered",
  localLabels: ["COMPLEX"],
  maxClassifyTokens: 20,
  maxAnswerTokens: 16,
  maxPromptTokens: 1024,
  cacheAnswers: false,
  allowMultiTurn: false,
  allowTools: false,
  allowImages: false,
});
beforeAll(() => pool.start());
afterAll(() => pool.close());

function ctx(route?: RouteHint): RequestContext {
  return {
    id: "req_1",
    request: { model: "m", system: [], messages: [{ role: "user", content: [{ type: "text", text: "hello" }] }], params: {}, stream: false, extra: {}, source: { format: "openai", body: {} } },
    format: "openai",
    model: "m",
    tenant: "t",
    headers: new Headers(),
    signal: new AbortController().signal,
    cache: { lookup: true, store: true },
    timings: {},
    responseHeaders: {},
    skip: new Set(),
    ...(route ? { route } : {}),
  } as RequestContext;
}

test("without a route the label decides (TEMPLATE is not local here): passed on after one classify call", async () => {
  const before = pool.stats().calls;
  const c = ctx();
  expect(await layer.handle(c)).toBeUndefined();
  expect(c.responseHeaders["x-isartor-l2-label"]).toBe("TEMPLATE");
  expect(pool.stats().calls).toBe(before + 1);
});

test('route "local": answered without classifying, and kept out of L1', async () => {
  const before = pool.stats().calls;
  const c = ctx({ target: "local", rule: "matrix[simple][chat]", labels: {} });
  const answer = await layer.handle(c);
  expect(answer?.kind).toBe("response");
  expect(answer?.layer).toBe("l2");
  expect(c.responseHeaders["x-isartor-l2-label"]).toBeUndefined();
  expect(pool.stats().calls).toBe(before + 1);
  expect(c.cache.store).toBe(false);
  expect(layer.stats().routed_local).toBe(1);
});

test('route "upstream": L2 stays out of it', async () => {
  const before = pool.stats().calls;
  expect(await layer.handle(ctx({ target: "upstream", rule: "r", model: "openai/gpt-4o", labels: {} }))).toBeUndefined();
  expect(pool.stats().calls).toBe(before);
});
