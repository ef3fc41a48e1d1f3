// L2 fails open through a real gateway when its worker misbehaves (tests/fixtures/workers/
// misbehaving-slm-worker.ts speaks the real protocol): a hang times out, a crash is replaced, a full
// queue refuses at once, a client that leaves stops the generation; each request goes on to L3.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";
import { MISBEHAVING_SLM_WORKER } from "../helpers/slm.ts";

const fakeModel = join(mkdtempSync(join(tmpdir(), "isartor-slm-")), "fake.gguf");
writeFileSync(fakeModel, "not a real model: the fixture worker never reads it");

// x-isartor-cache: bypass — an L3 fallback must not turn the next "hello" into an L1a hit
const ask = (gw: RunningGateway, content: string, extra: object = {}, signal?: AbortSignal) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-isartor-cache": "bypass" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }], ...extra }),
    signal,
  });

const l2Stats = (gw: RunningGateway) => gw.services.runtime.stats.find((s) => s.name === "l2")!.stats() as any;

describe("L2 fail-open with a misbehaving worker", () => {
  let upstream: MockUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    upstream = startMockOpenAI([{ text: "from upstream" }]);
    gw = await startTestGateway(
      {
        ISARTOR__CACHE_MODE: "exact",
        ISARTOR__LAYER2__ENABLED: "on",
        ISARTOR__LAYER2__MODEL_PATH: fakeModel,
        ISARTOR__LAYER2__TIMEOUT_SECONDS: "1",
        ISARTOR__LAYER2__QUEUE_SIZE: "0",
        ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url,
        ISARTOR__EXTERNAL_LLM_API_KEY: "sk-up",
      },
      { slm: { workerUrl: MISBEHAVING_SLM_WORKER }, logSink: () => {} },
    );
    for (let i = 0; i < 200 && (await fetch(`${gw.url}/readyz`)).status !== 200; i++) await Bun.sleep(25);
  });
  afterAll(async () => {
    await gw.stop();
    upstream.stop();
  });

  test("a healthy worker answers from l2", async () => {
    const res = await ask(gw, "hello");
    expect(res.headers.get("x-isartor-layer")).toBe("l2");
    expect(((await res.json()) as any).choices[0].message.content).toBe("ok");
  });

  test("a hung worker: the request times out into L3, the worker is replaced, L2 answers again", async () => {
    const res = await ask(gw, "hang");
    expect(res.headers.get("x-isartor-layer")).toBe("l3");
    expect(res.headers.get("x-isartor-l2-skip")).toBe("timeout");
    expect(((await res.json()) as any).choices[0].message.content).toBe("from upstream");
    // the worker ignored the stop request: after the grace period it is replaced
    for (let i = 0; i < 400 && l2Stats(gw).pool.workerRestarts < 1; i++) await Bun.sleep(25);
    expect(l2Stats(gw).pool.workerRestarts).toBe(1);
    for (let i = 0; i < 200 && (await ask(gw, "hello")).headers.get("x-isartor-layer") !== "l2"; i++) await Bun.sleep(25);
    expect((await ask(gw, "hello")).headers.get("x-isartor-layer")).toBe("l2");
  }, 30_000);

  test("a crashing worker: the request goes to L3 and a fresh worker takes over", async () => {
    const before = l2Stats(gw).pool.workerRestarts;
    const res = await ask(gw, "crash");
    expect(res.headers.get("x-isartor-layer")).toBe("l3");
    expect(res.headers.get("x-isartor-l2-skip")).toBe("worker_crash");
    for (let i = 0; i < 200 && (await ask(gw, "hello")).headers.get("x-isartor-layer") !== "l2"; i++) await Bun.sleep(25);
    expect(l2Stats(gw).pool.workerRestarts).toBe(before + 1);
  }, 30_000);

  test("a busy worker with no queue: the next request is refused at once and goes to L3", async () => {
    const slow = await ask(gw, "slow:20", { stream: true, max_tokens: 40 });
    expect(slow.headers.get("x-isartor-layer")).toBe("l2");
    const reader = slow.body!.getReader();
    await reader.read();
    const res = await ask(gw, "hello");
    expect(res.headers.get("x-isartor-layer")).toBe("l3");
    expect(res.headers.get("x-isartor-l2-skip")).toBe("queue_full");
    while (!(await reader.read()).done);
  }, 30_000);

  test("a client that leaves mid-stream stops the generation", async () => {
    const before = l2Stats(gw).pool.refused.aborted;
    const client = new AbortController();
    const slow = await ask(gw, "slow:20", { stream: true, max_tokens: 1000 }, client.signal);
    const reader = slow.body!.getReader();
    await reader.read();
    client.abort();
    await reader.read().catch(() => undefined);
    for (let i = 0; i < 200 && l2Stats(gw).pool.refused.aborted === before; i++) await Bun.sleep(25);
    expect(l2Stats(gw).pool.refused.aborted).toBe(before + 1);
    // the worker is free again at once (it stopped; nothing was replaced)
    expect((await ask(gw, "hello")).headers.get("x-isartor-layer")).toBe("l2");
  }, 30_000);
});

test("/readyz waits for an L2 model configured to preload; without preload the first candidate starts the load and goes on", async () => {
  const slowModel = join(fakeModel, "../slow.gguf");
  writeFileSync(slowModel, "fixture");
  const upstream = startMockOpenAI([{ text: "from upstream" }]);
  for (const preload of ["true", "false"]) {
    const gw = await startTestGateway(
      { ISARTOR__CACHE_MODE: "exact", ISARTOR__LAYER2__ENABLED: "on", ISARTOR__LAYER2__MODEL_PATH: slowModel, ISARTOR__LAYER2__PRELOAD: preload, ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url, ISARTOR__EXTERNAL_LLM_API_KEY: "sk-up" },
      { slm: { workerUrl: MISBEHAVING_SLM_WORKER }, logSink: () => {} },
    );
    try {
      expect((await fetch(`${gw.url}/readyz`)).status).toBe(preload === "true" ? 503 : 200);
      if (preload === "true") {
        expect(((await (await fetch(`${gw.url}/health`)).json()) as any).l2.state).toBe("loading");
        for (let i = 0; i < 400 && (await fetch(`${gw.url}/readyz`)).status !== 200; i++) await Bun.sleep(25);
        expect(((await (await fetch(`${gw.url}/health`)).json()) as any).l2.state).toBe("ready");
      } else {
        expect(((await (await fetch(`${gw.url}/health`)).json()) as any).l2.state).toBe("idle");
        const first = await ask(gw, "hello");
        expect(first.headers.get("x-isartor-layer")).toBe("l3");
        expect(first.headers.get("x-isartor-l2-skip")).toBe("not_ready");
        for (let i = 0; i < 400 && ((await (await fetch(`${gw.url}/health`)).json()) as any).l2.state !== "ready"; i++) await Bun.sleep(25);
        expect((await ask(gw, "hello")).headers.get("x-isartor-layer")).toBe("l2");
      }
    } finally {
      await gw.stop();
    }
  }
  upstream.stop();
}, 30_000);

test("a model that fails to load leaves L2 failed on /health and every request goes to L3", async () => {
  const upstream = startMockOpenAI([{ text: "from upstream" }]);
  const gw = await startTestGateway(
    { ISARTOR__CACHE_MODE: "exact", ISARTOR__LAYER2__ENABLED: "on", ISARTOR__LAYER2__MODEL_PATH: `${fakeModel}`, ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url, ISARTOR__EXTERNAL_LLM_API_KEY: "sk-up" },
    { slm: { workerUrl: new URL("./nonexistent-worker.ts", MISBEHAVING_SLM_WORKER) }, logSink: () => {} },
  );
  try {
    for (let i = 0; i < 200 && (await fetch(`${gw.url}/readyz`)).status !== 200; i++) await Bun.sleep(25);
    const health = (await (await fetch(`${gw.url}/health`)).json()) as any;
    expect(health.l2.state).toBe("failed");
    expect(health.ready).toBe(true);
    const res = await ask(gw, "hello");
    expect(res.headers.get("x-isartor-layer")).toBe("l3");
    expect(res.headers.get("x-isartor-l2-skip")).toBe("not_ready");
  } finally {
    await gw.stop();
    upstream.stop();
  }
});
