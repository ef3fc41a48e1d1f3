// The embedding pool: real transformers.js workers on the tiny fixture encoder, and a misbehaving
// stand-in worker for the failure paths (every failure is a quick, counted refusal).
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmbedUnavailableError } from "../../src/inference/embedder.ts";
import { EmbeddingWorkerPool, type WorkerPoolOptions } from "../../src/inference/worker-pool.ts";

const FIXTURE_MODEL = join(import.meta.dir, "../fixtures/models/tiny-minilm");
const FAKE_WORKER = new URL("../fixtures/workers/misbehaving-embed-worker.ts", import.meta.url);

const pools: EmbeddingWorkerPool[] = [];
function pool(opts: Partial<WorkerPoolOptions> = {}) {
  const p = new EmbeddingWorkerPool({ locateModel: async () => FIXTURE_MODEL, workers: 1, queueSize: 64, timeoutMs: 20_000, maxBatch: 16, ...opts });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

async function reason(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(EmbedUnavailableError);
    return (err as EmbedUnavailableError).reason;
  }
  throw new Error("expected the call to be refused");
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe("with the fixture encoder (real transformers.js in a Bun worker)", () => {
  test("loads, and gives unit vectors that are identical for identical text", async () => {
    const p = pool();
    expect(p.state()).toBe("idle");
    await p.start();
    expect(p.state()).toBe("ready");
    const [a, b, c] = await p.embed(["What is the price?", "What is the price?", "How do I reset my password?"]);
    expect(a!.length).toBe(32);
    expect(dot(a!, a!)).toBeCloseTo(1, 4);
    expect(dot(a!, b!)).toBeCloseTo(1, 4);
    expect(dot(a!, c!)).toBeLessThan(0.999);
  });

  test("concurrent calls are batched and each gets its own vectors", async () => {
    const p = pool({ maxBatch: 8 });
    await p.start();
    const texts = Array.from({ length: 12 }, (_, i) => `question number ${i}`);
    const one = await p.embed(texts);
    const before = p.stats().batches;
    const separate = await Promise.all(texts.map((t) => p.embed([t])));
    expect(p.stats().batches - before).toBeLessThan(texts.length);
    separate.forEach(([v], i) => expect(dot(v!, one[i]!)).toBeCloseTo(1, 4));
  });

  test("a model directory that is not a model fails loading with its path, and refuses calls", async () => {
    const p = pool({ locateModel: async () => join(import.meta.dir, "../fixtures/workers"), loadTimeoutMs: 60_000 });
    await p.start();
    expect(p.state()).toBe("failed");
    expect(p.failure()).toContain("fixtures/workers");
    expect(await reason(p.embed(["hi"]))).toBe("not_ready");
  });
});

describe("failure paths (stand-in worker)", () => {
  const fake = (opts: Partial<WorkerPoolOptions> = {}) => pool({ workerUrl: FAKE_WORKER, locateModel: async () => "/models/ok", ...opts });

  test("before start the pool refuses with not_ready", async () => {
    const p = fake();
    expect(await reason(p.embed(["hi"]))).toBe("not_ready");
    expect(p.stats().skipped.not_ready).toBe(1);
  });

  test("a call that outlives its timeout is refused with timeout", async () => {
    const p = fake({ timeoutMs: 50 });
    await p.start();
    expect(await reason(p.embed(["slow:2000"]))).toBe("timeout");
    expect(p.stats().skipped.timeout).toBe(1);
  });

  test("a full queue refuses at once", async () => {
    const p = fake({ queueSize: 2, timeoutMs: 20_000 });
    await p.start();
    const busy = p.embed(["slow:300"]); // taken by the worker
    const queued = p.embed(["a", "b"]); // fills the queue
    expect(await reason(p.embed(["c"]))).toBe("queue_full");
    expect((await busy).length).toBe(1);
    expect((await queued).length).toBe(2);
  });

  test("a crashing worker fails its calls open and is replaced", async () => {
    const p = fake();
    await p.start();
    expect(await reason(p.embed(["crash"]))).toBe("worker_crash");
    for (let i = 0; i < 200 && p.stats().workerRestarts === 0; i++) await Bun.sleep(25);
    expect(p.stats().workerRestarts).toBe(1);
    // the replacement answers
    let answered: Float32Array[] | undefined;
    for (let i = 0; i < 200 && !answered; i++) answered = await p.embed(["fine"]).catch(async () => {
      await Bun.sleep(25);
      return undefined;
    });
    expect(answered![0]!.length).toBe(2);
  });

  test("a worker that exits is replaced too", async () => {
    const p = fake();
    await p.start();
    expect(await reason(p.embed(["exit"]))).toBe("worker_crash");
  });

  test("a hung worker is declared stuck and replaced", async () => {
    const p = fake({ timeoutMs: 50, stuckMs: 200 });
    await p.start();
    expect(await reason(p.embed(["hang"]))).toBe("timeout");
    for (let i = 0; i < 400 && p.stats().workerRestarts === 0; i++) await Bun.sleep(25);
    expect(p.stats().workerRestarts).toBe(1);
  });

  test("a model that fails to load leaves the pool failed", async () => {
    const p = fake({ locateModel: async () => "/models/broken" });
    await p.start();
    expect(p.state()).toBe("failed");
    expect(p.failure()).toContain("model is broken");
  });

  test("a crashed worker that cannot be restarted leaves the pool failed, and what was queued is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "isartor-embed-restart-"));
    const logs: string[] = [];
    const p = fake({ locateModel: async () => dir, log: (line) => logs.push(line) });
    await p.start();
    expect(p.state()).toBe("ready");
    writeFileSync(join(dir, "refuse-load"), "");
    const crashing = p.embed(["crash"]);
    const queued = p.embed(["waiting for the worker"]);
    expect(await reason(crashing)).toBe("worker_crash");
    expect(await reason(queued)).toBe("worker_crash");
    expect(p.state()).toBe("failed");
    expect(p.failure()).toContain("loading refused");
    expect(p.stats().workerRestarts).toBe(1);
    expect(logs.some((l) => l.includes("embed worker could not be restarted"))).toBe(true);
    expect(await reason(p.embed(["later"]))).toBe("not_ready");
  });

  test("close refuses queued calls and later ones", async () => {
    const p = fake({ timeoutMs: 20_000 });
    await p.start();
    const busy = p.embed(["slow:500"]);
    const queued = p.embed(["x"]);
    await p.close();
    expect(await reason(busy)).toBe("not_ready");
    expect(await reason(queued)).toBe("not_ready");
    expect(await reason(p.embed(["y"]))).toBe("not_ready");
  });
});
