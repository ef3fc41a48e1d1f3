// The embedded L2 pool with the real worker and the real tiny GGUF (stories260K): labels under the
// grammar, token limits, streaming, timeouts, queue overflow and abort. Mechanics, not quality.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SlmUnavailableError } from "../../src/inference/slm-backend.ts";
import { classifierSystemPrompt, LABELS } from "../../src/inference/slm-label.ts";
import { SlmWorkerPool, type SlmPoolOptions } from "../../src/inference/slm-pool.ts";
import { HAVE_GGUF, STORIES_GGUF } from "../helpers/slm.ts";

const story = [{ role: "user" as const, text: "Tell me a story about a dog." }];

function pool(extra: Partial<SlmPoolOptions> = {}) {
  return new SlmWorkerPool({
    locateModel: async () => STORIES_GGUF,
    settings: { gpu: false, threads: 1, contextSize: 2048, repeatPenalty: 1.1 },
    workers: 1,
    queueSize: 4,
    timeoutMs: 60_000,
    ...extra,
  });
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SlmUnavailableError) return err.reason;
    throw err;
  }
  throw new Error("the call was not refused");
}

describe.skipIf(!HAVE_GGUF)("SLM pool with stories260K", () => {
  const shared = pool({ queueSize: 1 });
  beforeAll(() => shared.start(), 120_000);
  afterAll(() => shared.close());

  test("loads the model once and reports CPU", () => {
    expect(shared.state()).toBe("ready");
    expect(shared.loaded).toEqual({ gpu: false, contextSize: 2048 });
  });

  for (const mode of ["tiered", "binary"] as const) {
    test(`${mode}: every label the grammar lets through is one of the mode's labels`, async () => {
      for (const prompt of ["hi", "Write a compiler for Rust in Haskell.", "What is 2 + 2?"]) {
        const { label, raw } = await shared.classify({ system: classifierSystemPrompt(mode), prompt, labels: LABELS[mode], maxTokens: 20 });
        expect(raw.trimStart().startsWith("{")).toBe(true);
        if (label !== undefined) expect(LABELS[mode]).toContain(label);
        // a missing label only ever means the reply was cut before the label closed
        else expect(raw).not.toMatch(/"label"\s*:\s*"[A-Z]+"/);
      }
    }, 60_000);
  }

  test("too few classify tokens give no label rather than a guess", async () => {
    const { label, raw } = await shared.classify({ system: classifierSystemPrompt("tiered"), prompt: "hi", labels: LABELS.tiered, maxTokens: 4 });
    expect(label).toBeUndefined();
    expect(raw.length).toBeGreaterThan(0);
  }, 30_000);

  test("an answer stops at maxTokens with finish length and the tokenizer's counts", async () => {
    const out = await shared.generate({ system: "You are helpful.", turns: story, maxTokens: 7 });
    expect(out.finish).toBe("length");
    expect(out.outputTokens).toBe(7);
    expect(out.inputTokens).toBeGreaterThan(5);
    expect(out.text.length).toBeGreaterThan(0);
  }, 30_000);

  test("the answer streams piece by piece before the call resolves", async () => {
    const pieces: string[] = [];
    let resolvedAfter = -1;
    const done = shared.generate({ system: "You are helpful.", turns: story, maxTokens: 40, onText: (t) => pieces.push(t) }).then((r) => {
      resolvedAfter = pieces.length;
      return r;
    });
    const out = await done;
    expect(pieces.length).toBeGreaterThan(3);
    expect(resolvedAfter).toBe(pieces.length);
    expect(pieces.join("")).toBe(out.text);
  }, 30_000);

  test("a full queue refuses at once, and the pool keeps serving", async () => {
    const running = shared.generate({ system: "s", turns: story, maxTokens: 300 });
    const waiting = shared.generate({ system: "s", turns: story, maxTokens: 5 });
    expect(await refusal(shared.generate({ system: "s", turns: story, maxTokens: 5 }))).toBe("queue_full");
    await running;
    expect((await waiting).outputTokens).toBe(5);
    expect(shared.stats().refused.queue_full).toBe(1);
  }, 60_000);

  test("a client abort stops the generation and frees the worker", async () => {
    const stop = new AbortController();
    let pieces = 0;
    const call = shared.generate({ system: "s", turns: story, maxTokens: 1800, signal: stop.signal, onText: () => ++pieces === 3 && stop.abort() });
    expect(await refusal(call)).toBe("aborted");
    const after = pieces;
    expect((await shared.generate({ system: "s", turns: story, maxTokens: 3 })).outputTokens).toBe(3);
    expect(pieces).toBe(after);
    expect(shared.stats().workerRestarts).toBe(0);
  }, 60_000);
});

describe.skipIf(!HAVE_GGUF)("SLM pool timeouts with stories260K", () => {
  const slow = pool({ timeoutMs: 300 });
  beforeAll(() => slow.start(), 120_000);
  afterAll(() => slow.close());

  test("a call past its timeout is refused, the model stops, and the next call runs", async () => {
    expect(await refusal(slow.generate({ system: "s", turns: story, maxTokens: 1800 }))).toBe("timeout");
    // a short call fits in the timeout once the worker has stopped (a loaded machine may need a retry)
    let out: { outputTokens: number } | undefined;
    for (let i = 0; i < 5 && !out; i++) out = await slow.generate({ system: "s", turns: story, maxTokens: 2 }).catch(() => undefined);
    expect(out?.outputTokens).toBe(2);
    expect(slow.stats().workerRestarts).toBe(0);
  }, 60_000);
});

test("a missing model file fails the pool and every call is refused", async () => {
  const broken = pool({ locateModel: async () => "/nonexistent/model.gguf" });
  await broken.start();
  expect(broken.state()).toBe("failed");
  expect(broken.failure()).toContain("/nonexistent/model.gguf");
  expect(await refusal(broken.classify({ system: "s", prompt: "hi", labels: LABELS.binary, maxTokens: 20 }))).toBe("not_ready");
}, 60_000);
