// Starts a model worker (embed or SLM): posts its load message and waits until the worker reports the
// model loaded, failed to load, died, or took too long. Once loaded, a crash or exit goes to onDeath
// (the pool replaces the worker, with replaceWorker below); every other message goes to onMessage.

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

/**
 * Starts `count` workers at once. When one fails to start the whole start fails at once, and the
 * workers that loaded (or load later) are terminated instead of being left holding the model.
 */
export async function spawnAll<S extends { worker: Worker }>(count: number, spawn: () => Promise<S>): Promise<S[]> {
  const spawning = Array.from({ length: count }, spawn);
  try {
    return await Promise.all(spawning);
  } catch (err) {
    for (const started of spawning) started.then((slot) => slot.worker.terminate(), () => {});
    throw err;
  }
}

export interface ReplaceWorkerOptions<S extends { worker: Worker }> {
  /** the pool's slots; the fresh worker takes the dead one's place */
  slots: (S | undefined)[];
  /** "embed worker", "L2 worker": the start of every log line */
  what: string;
  isClosed(): boolean;
  /** stops the slot's timers and fails the work it was running */
  failInFlight(slot: S): void;
  spawn(): Promise<S>;
  countRestart(): void;
  /** a fresh worker is in its slot: hand it queued work */
  onReplaced(): void;
  /** the restart failed and no worker is left: mark the pool failed and refuse what is queued */
  onNoWorkerLeft(err: Error): void;
  log?: (message: string) => void;
}

/** A worker died or hung: it is terminated, its work fails open, and a fresh worker takes its slot. */
export function replaceWorker<S extends { worker: Worker }>(slot: S, message: string, o: ReplaceWorkerOptions<S>): void {
  const index = o.slots.indexOf(slot);
  if (index < 0) return;
  o.slots[index] = undefined;
  slot.worker.terminate();
  o.failInFlight(slot);
  if (o.isClosed()) return;
  o.countRestart();
  o.log?.(`${message}; starting a new ${o.what}`);
  o.spawn().then(
    (fresh) => {
      if (o.isClosed()) return fresh.worker.terminate();
      o.slots[index] = fresh;
      o.onReplaced();
    },
    (err) => {
      o.log?.(`${o.what} could not be restarted: ${(err as Error).message}`);
      if (o.slots.every((s) => !s)) o.onNoWorkerLeft(err as Error);
    },
  );
}
