// A small pool of embed workers behind a bounded queue. Queued calls that find a free worker
// together are sent as one batch; a call that waits past its timeout, or arrives when the queue is
// full, is refused at once (L1b then skips the request); a crashed or stuck worker is replaced.
import type { FromWorker, ToWorker } from "./embed-protocol.ts";
import { EmbedUnavailableError, emptyStats, type Embedder, type EmbedderState, type EmbedSkipReason } from "./embedder.ts";
import { EMBEDDING_DTYPE } from "./model-files.ts";
import { replaceWorker, spawnAll, spawnWorker } from "./worker-spawn.ts";

export interface WorkerPoolOptions {
  /** the model directory, resolved (and downloaded if allowed) before any worker starts */
  locateModel: () => Promise<string>;
  workers: number;
  /** most texts waiting for a worker */
  queueSize: number;
  /** longest a call may wait for its vectors */
  timeoutMs: number;
  /** most texts sent to a worker in one batch */
  maxBatch: number;
  threadsPerWorker?: number;
  dtype?: string;
  /** the worker script; tests pass a misbehaving one */
  workerUrl?: URL | string;
  /** longest a worker may take to load the model (default 120 s) */
  loadTimeoutMs?: number;
  /** a batch running this long marks its worker stuck: it is replaced (default max(20 × timeout, 10 s)) */
  stuckMs?: number;
  log?: (message: string) => void;
}

interface Job {
  texts: string[];
  resolve(vectors: Float32Array[]): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
  settled: boolean;
}

interface Slot {
  worker: Worker;
  batch?: { id: number; jobs: Job[]; stuckTimer: ReturnType<typeof setTimeout> };
}

// In the compiled binary every module lives at the bundle root, and scripts/build.ts adds the worker
// as an extra entrypoint, stored under its path relative to src/.
const DEFAULT_WORKER_URL = Bun.isStandaloneExecutable ? new URL("./inference/embed-worker.ts", import.meta.url) : new URL("./embed-worker.ts", import.meta.url);

export class EmbeddingWorkerPool implements Embedder {
  readonly name = "minilm";
  private current: EmbedderState = "idle";
  private failMessage?: string;
  private starting?: Promise<void>;
  private readonly slots: (Slot | undefined)[] = [];
  private readonly queue: Job[] = [];
  private queuedTexts = 0;
  private dir?: string;
  private nextBatch = 1;
  private closed = false;
  private readonly counters = emptyStats();

  constructor(private readonly opts: WorkerPoolOptions) {}

  state() {
    return this.current;
  }
  failure() {
    return this.failMessage;
  }
  stats() {
    return structuredClone(this.counters);
  }

  start(): Promise<void> {
    this.starting ??= (async () => {
      this.current = "loading";
      try {
        this.dir = await this.opts.locateModel();
        const slots = await spawnAll(this.opts.workers, () => this.spawn());
        if (this.closed) return slots.forEach((s) => s.worker.terminate());
        slots.forEach((s, i) => (this.slots[i] = s));
        this.current = "ready";
      } catch (err) {
        this.current = "failed";
        this.failMessage = (err as Error).message;
        this.opts.log?.(`embedding model unavailable, semantic cache (L1b) disabled: ${this.failMessage}`);
      }
    })();
    return this.starting;
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    this.counters.calls++;
    if (this.current !== "ready") return this.refuse("not_ready", `embedding model is ${this.current}`);
    if (texts.length === 0) return Promise.resolve([]);
    if (this.queuedTexts + texts.length > this.opts.queueSize) return this.refuse("queue_full", `embedding queue is full (${this.opts.queueSize})`);
    return new Promise<Float32Array[]>((resolve, reject) => {
      const job: Job = {
        texts,
        resolve,
        reject,
        settled: false,
        timer: setTimeout(() => this.fail(job, "timeout", `embedding took longer than ${this.opts.timeoutMs} ms`), this.opts.timeoutMs),
      };
      this.queue.push(job);
      this.queuedTexts += texts.length;
      this.dispatch();
    });
  }

  async close() {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.fail(job, "not_ready", "embedding pool closed");
    this.queuedTexts = 0;
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i];
      this.slots[i] = undefined;
      if (!slot) continue;
      if (slot.batch) clearTimeout(slot.batch.stuckTimer);
      for (const job of slot.batch?.jobs ?? []) this.fail(job, "not_ready", "embedding pool closed");
      slot.worker.terminate();
    }
    if (this.current !== "failed") this.current = "idle";
  }

  private refuse(reason: EmbedSkipReason, message: string): Promise<never> {
    this.counters.skipped[reason]++;
    return Promise.reject(new EmbedUnavailableError(reason, message));
  }

  private fail(job: Job, reason: EmbedSkipReason, message: string) {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.queuedTexts -= job.texts.length;
    }
    this.counters.skipped[reason]++;
    job.reject(new EmbedUnavailableError(reason, message));
  }

  private dispatch() {
    for (const slot of this.slots) {
      if (!slot || slot.batch || this.queue.length === 0) continue;
      const jobs: Job[] = [];
      let count = 0;
      while (this.queue.length && (jobs.length === 0 || count + this.queue[0]!.texts.length <= this.opts.maxBatch)) {
        const job = this.queue.shift()!;
        this.queuedTexts -= job.texts.length;
        jobs.push(job);
        count += job.texts.length;
      }
      const id = this.nextBatch++;
      const stuckMs = this.opts.stuckMs ?? Math.max(this.opts.timeoutMs * 20, 10_000);
      slot.batch = { id, jobs, stuckTimer: setTimeout(() => this.replace(slot, "worker_crash", `embed worker stuck for ${stuckMs} ms`), stuckMs) };
      this.counters.batches++;
      this.send(slot.worker, { type: "embed", id, texts: jobs.flatMap((j) => j.texts) });
    }
  }

  private send(worker: Worker, msg: ToWorker) {
    worker.postMessage(msg);
  }

  private finishBatch(slot: Slot, msg: FromWorker) {
    if (msg.type !== "embedded" && msg.type !== "embed_failed") return;
    const batch = slot.batch;
    if (!batch || batch.id !== msg.id) return;
    clearTimeout(batch.stuckTimer);
    slot.batch = undefined;
    let offset = 0;
    for (const job of batch.jobs) {
      const n = job.texts.length;
      if (msg.type === "embed_failed") this.fail(job, "error", `embedding failed: ${msg.message}`);
      else if (!job.settled) {
        job.settled = true;
        clearTimeout(job.timer);
        job.resolve(Array.from({ length: n }, (_, i) => msg.vectors.subarray((offset + i) * msg.dims, (offset + i + 1) * msg.dims)));
      }
      offset += n;
    }
    this.dispatch();
  }

  /** A worker died or hung: its calls fail open, and a fresh worker takes its place. */
  private replace(slot: Slot, reason: EmbedSkipReason, message: string) {
    replaceWorker(slot, message, {
      slots: this.slots,
      what: "embed worker",
      isClosed: () => this.closed,
      failInFlight: (dead) => {
        if (dead.batch) clearTimeout(dead.batch.stuckTimer);
        for (const job of dead.batch?.jobs ?? []) this.fail(job, reason, message);
      },
      spawn: () => this.spawn(),
      countRestart: () => this.counters.workerRestarts++,
      onReplaced: () => this.dispatch(),
      onNoWorkerLeft: (err) => {
        this.current = "failed";
        this.failMessage = err.message;
        for (const job of this.queue.splice(0)) this.fail(job, "worker_crash", "no embed worker is running");
        this.queuedTexts = 0;
      },
      log: this.opts.log,
    });
  }

  private async spawn(): Promise<Slot> {
    const slot = {} as Slot;
    slot.worker = await spawnWorker<FromWorker>({
      url: this.opts.workerUrl ?? DEFAULT_WORKER_URL,
      load: { type: "load", dir: this.dir!, dtype: this.opts.dtype ?? EMBEDDING_DTYPE, threads: this.opts.threadsPerWorker ?? 1 } satisfies ToWorker,
      loadTimeoutMs: this.opts.loadTimeoutMs ?? 120_000,
      what: "embed worker",
      loadOutcome: (msg) =>
        msg.type === "loaded" ? { loaded: true } : msg.type === "load_failed" ? { failed: `embedding model failed to load from ${this.dir}: ${msg.message}` } : undefined,
      onMessage: (msg) => this.finishBatch(slot, msg),
      onDeath: (message) => this.replace(slot, "worker_crash", message),
    });
    return slot;
  }
}
