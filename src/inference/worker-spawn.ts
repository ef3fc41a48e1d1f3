// Starts a model worker (embed or SLM): posts its load message and waits until the worker reports the
// model loaded, failed to load, died, or took too long. Once loaded, a crash or exit goes to onDeath
// (the pool replaces the worker); every other message goes to onMessage.

export interface SpawnWorkerOptions<From> {
  url: URL | string;
  /** the first message, telling the worker what to load */
  load: unknown;
  loadTimeoutMs: number;
  /** "embed worker", "L2 worker": the start of every error message */
  what: string;
  /** a load outcome for load messages ("loaded", or why loading failed), undefined for any other */
  loadOutcome(msg: From): { loaded: true } | { failed: string } | undefined;
  onMessage(msg: From): void;
  onDeath(message: string): void;
}

export function spawnWorker<From>(o: SpawnWorkerOptions<From>): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(o.url);
    // a pool must never keep a finished CLI or test process alive
    (worker as unknown as { unref?(): void }).unref?.();
    let loaded = false;
    const died = (message: string) => {
      if (loaded) return o.onDeath(message);
      clearTimeout(loadTimer);
      worker.terminate();
      reject(new Error(message));
    };
    const loadTimer = setTimeout(() => died(`${o.what} did not load the model within ${o.loadTimeoutMs} ms`), o.loadTimeoutMs);
    worker.addEventListener("message", (event: MessageEvent<From>) => {
      const outcome = loaded ? undefined : o.loadOutcome(event.data);
      if (!outcome) return o.onMessage(event.data);
      if ("failed" in outcome) return died(outcome.failed);
      loaded = true;
      clearTimeout(loadTimer);
      resolve(worker);
    });
    worker.addEventListener("error", (event) => died(`${o.what} crashed: ${(event as ErrorEvent).message ?? "unknown error"}`));
    worker.addEventListener("close", () => died(`${o.what} exited`));
    worker.postMessage(o.load);
  });
}
