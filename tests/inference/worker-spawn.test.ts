// Starting several model workers at once: one that fails to load fails the start, and the workers
// that did load are not left running.
import { expect, test } from "bun:test";
import { spawnAll, spawnWorker } from "../../src/inference/worker-spawn.ts";
import type { FromWorker, ToWorker } from "../../src/inference/embed-protocol.ts";

const FAKE_WORKER = new URL("../fixtures/workers/misbehaving-embed-worker.ts", import.meta.url);

test("a worker that fails to load fails the whole start, and the ones that loaded are terminated", async () => {
  const ended: string[] = [];
  const dirs = ["/models/ok", "/models/broken", "/models/ok"];
  let n = 0;
  const spawn = async () => {
    const dir = dirs[n++]!;
    const worker = await spawnWorker<FromWorker>({
      url: FAKE_WORKER,
      load: { type: "load", dir, dtype: "q8", threads: 1 } satisfies ToWorker,
      loadTimeoutMs: 30_000,
      what: `worker ${n}`,
      loadOutcome: (msg) => (msg.type === "loaded" ? { loaded: true } : msg.type === "load_failed" ? { failed: `${dir}: ${msg.message}` } : undefined),
      onMessage: () => {},
      onDeath: (message) => ended.push(message),
    });
    return { worker };
  };
  await expect(spawnAll(3, spawn)).rejects.toThrow("/models/broken: model is broken");
  for (let i = 0; i < 400 && ended.length < 2; i++) await Bun.sleep(25);
  expect(ended.sort()).toEqual(["worker 1 exited", "worker 3 exited"]);
});
