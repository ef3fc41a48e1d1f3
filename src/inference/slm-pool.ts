// The embedded L2 backend: GGUF workers (node-llama-cpp, see slm-worker.ts) behind a bounded queue.
// Each worker holds the model and runs one job at a time. A call that waits or runs past its
// timeout, arrives when the queue is full, or whose client went away is refused (L2 passes the
// request on); a crashed worker, or one that does not stop when told, is replaced.
import { cpus } from "node:os";
import { basename } from "node:path";
import {
  SlmUnavailableError,
  type ClassifyCall,
  type ClassifyResult,
  type GenerateCall,
  type GenerateResult,
  type SlmBackend,
  type SlmSkipReason,
  type SlmState,
} from "./slm-backend.ts";
import type { FromSlmWorker, SlmJob, SlmLoadSettings, ToSlmWorker } from "./slm-protocol.ts";
import { replaceWorker, spawnAll, spawnWorker } from "./worker-spawn.ts";

export interface SlmPoolOptions {
  /** the GGUF path, resolved (and downloaded if allowed) before any worker starts */
  locateModel: () => Promise<string>;
  settings: Omit<SlmLoadSettings, "modelPath">;
  workers: number;
  /** most calls waiting for a worker */
  queueSize: number;
  /** longest a call may take, waiting included */
  timeoutMs: number;
  /** the worker script; tests pass a misbehaving one */
  workerUrl?: URL | string;
  /** longest a worker may take to load the model (default 300 s) */
  loadTimeoutMs?: number;
  /** how long a worker told to stop may keep going before it is replaced (default 5 s) */
  stopGraceMs?: number;
  log?: (message: string) => void;
}

export interface SlmPoolStats {
  calls: number;
  completed: number;
  refused: Record<SlmSkipReason, number>;
  workerRestarts: number;
}

interface Call {
  id: number;
  job: SlmJob;
  onText?: (text: string) => void;
  resolve(msg: Extract<FromSlmWorker, { type: "done" }>): void;
  reject(err: Error): void;
  settled: boolean;
  timer: ReturnType<typeof setTimeout>;
  cleanup(): void;
}

interface Slot {
  worker: Worker;
  call?: Call;
  /** set when the pool told the worker to stop a call that no longer has a caller */
  stopTimer?: ReturnType<typeof setTimeout>;
}

// In the compiled binary every module lives at the bundle root, and scripts/build.ts adds the worker
// as an extra entrypoint, stored under its path relative to src/.
const DEFAULT_WORKER_URL = Bun.isStandaloneExecutable ? new URL("./inference/slm-worker.ts", import.meta.url) : new URL("./slm-worker.ts", import.meta.url);

/** threads per worker when layer2.threads is 0: half the cores, at least 1, at most 4 */
export function defaultSlmThreads(cores = cpus().length): number {
  return Math.max(1, Math.min(4, Math.floor(cores / 2)));
}

export class SlmWorkerPool implements SlmBackend {
  readonly kind = "embedded";
  model = "";
  private current: SlmState = "idle";
  private failMessage?: string;
  private starting?: Promise<void>;
  private readonly slots: (Slot | undefined)[] = [];
  private readonly queue: Call[] = [];
  private nextId = 1;
  private closed = false;
  private path = "";
  private readonly counters: SlmPoolStats = {
    calls: 0,
    completed: 0,
    refused: { not_ready: 0, queue_full: 0, timeout: 0, aborted: 0, worker_crash: 0, error: 0 },
    workerRestarts: 0,
  };
  /** what the worker reported after loading */
  loaded?: { gpu: string | false; contextSize: number };

  constructor(private readonly opts: SlmPoolOptions) {}

  state() {
    return this.current;
  }
  failure() {
    return this.failMessage;
  }
  stats(): SlmPoolStats {
    return structuredClone(this.counters);
  }
  /** calls waiting for a worker plus calls running */
  pending(): number {
    return this.queue.length + this.slots.filter((s) => s?.call).length;
  }

  start(): Promise<void> {
    this.starting ??= (async () => {
      this.current = "loading";
      try {
        this.path = await this.opts.locateModel();
        this.model ||= basename(this.path);
        const slots = await spawnAll(this.opts.workers, () => this.spawn());
        if (this.closed) return slots.forEach((s) => s.worker.terminate());
        slots.forEach((s, i) => (this.slots[i] = s));
        this.current = "ready";
      } catch (err) {
        this.current = "failed";
        this.failMessage = (err as Error).message;
        this.opts.log?.(`L2 model unavailable, local answers disabled: ${this.failMessage}`);
      }
    })();
    return this.starting;
  }

  async classify(call: ClassifyCall): Promise<ClassifyResult> {
    const done = await this.submit({ kind: "classify", system: call.system, prompt: call.prompt, labels: call.labels, maxTokens: call.maxTokens }, call.signal);
    return { label: done.label, raw: done.text };
  }

  async generate(call: GenerateCall): Promise<GenerateResult> {
    const done = await this.submit({ kind: "generate", system: call.system, turns: call.turns, maxTokens: call.maxTokens }, call.signal, call.onText);
    return { text: done.text, finish: done.finish, inputTokens: done.inputTokens, outputTokens: done.outputTokens };
  }

  async close() {
    this.closed = true;
    for (const call of this.queue.splice(0)) this.fail(call, "not_ready", "L2 pool closed");
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i];
      this.slots[i] = undefined;
      if (!slot) continue;
      clearTimeout(slot.stopTimer);
      if (slot.call) this.fail(slot.call, "not_ready", "L2 pool closed");
      slot.worker.terminate();
    }
    if (this.current !== "failed") this.current = "idle";
  }

  private submit(job: SlmJob, signal?: AbortSignal, onText?: (text: string) => void): Promise<Extract<FromSlmWorker, { type: "done" }>> {
    this.counters.calls++;
    if (this.current !== "ready") return this.refuse("not_ready", `L2 model is ${this.current}`);
    if (signal?.aborted) return this.refuse("aborted", "the client went away");
    if (this.queue.length >= this.opts.queueSize && !this.slots.some((s) => s && !s.call)) {
      return this.refuse("queue_full", `L2 queue is full (${this.opts.queueSize})`);
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => this.fail(call, "aborted", "the client went away");
      const call: Call = {
        id: this.nextId++,
        job,
        onText,
        resolve,
        reject,
        settled: false,
        timer: setTimeout(() => this.fail(call, "timeout", `L2 took longer than ${this.opts.timeoutMs} ms`), this.opts.timeoutMs),
        cleanup: () => signal?.removeEventListener("abort", onAbort),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(call);
      this.dispatch();
    });
  }

  private refuse(reason: SlmSkipReason, message: string): Promise<never> {
    this.counters.refused[reason]++;
    return Promise.reject(new SlmUnavailableError(reason, message));
  }

  /** Settles a call as refused; a running one is told to stop, and replaced if it does not. */
  private fail(call: Call, reason: SlmSkipReason, message: string) {
    if (call.settled) return;
    call.settled = true;
    clearTimeout(call.timer);
    call.cleanup();
    const queued = this.queue.indexOf(call);
    if (queued >= 0) this.queue.splice(queued, 1);
    const slot = this.slots.find((s) => s?.call === call);
    if (slot && !slot.stopTimer) {
      slot.worker.postMessage({ type: "abort", id: call.id } satisfies ToSlmWorker);
      const grace = this.opts.stopGraceMs ?? 5000;
      slot.stopTimer = setTimeout(() => this.replace(slot, `L2 worker did not stop within ${grace} ms`), grace);
    }
    this.counters.refused[reason]++;
    call.reject(new SlmUnavailableError(reason, message));
  }

  private dispatch() {
    for (const slot of this.slots) {
      if (!slot || slot.call || this.queue.length === 0) continue;
      const call = this.queue.shift()!;
      slot.call = call;
      slot.worker.postMessage({ type: "job", id: call.id, job: call.job } satisfies ToSlmWorker);
    }
  }

  private onMessage(slot: Slot, msg: FromSlmWorker) {
    const call = slot.call;
    if (!call || !("id" in msg) || msg.id !== call.id) return;
    if (msg.type === "text") {
      if (!call.settled) call.onText?.(msg.text);
      return;
    }
    if (msg.type !== "done" && msg.type !== "failed") return;
    clearTimeout(slot.stopTimer);
    slot.stopTimer = undefined;
    slot.call = undefined;
    if (msg.type === "failed") this.fail(call, msg.aborted ? "aborted" : "error", `L2 generation failed: ${msg.message}`);
    else if (!call.settled) {
      call.settled = true;
      clearTimeout(call.timer);
      call.cleanup();
      this.counters.completed++;
      call.resolve(msg);
    }
    this.dispatch();
  }

  /** A worker died or would not stop: its call fails open, and a fresh worker takes its place. */
  private replace(slot: Slot, message: string) {
    replaceWorker(slot, message, {
      slots: this.slots,
      what: "L2 worker",
      isClosed: () => this.closed,
      failInFlight: (dead) => {
        clearTimeout(dead.stopTimer);
        if (dead.call) this.fail(dead.call, "worker_crash", message);
      },
      spawn: () => this.spawn(),
      countRestart: () => this.counters.workerRestarts++,
      onReplaced: () => this.dispatch(),
      onNoWorkerLeft: (err) => {
        this.current = "failed";
        this.failMessage = err.message;
        for (const call of this.queue.splice(0)) this.fail(call, "worker_crash", "no L2 worker is running");
      },
      log: this.opts.log,
    });
  }

  private async spawn(): Promise<Slot> {
    const slot = {} as Slot;
    slot.worker = await spawnWorker<FromSlmWorker>({
      url: this.opts.workerUrl ?? DEFAULT_WORKER_URL,
      load: { type: "load", settings: { ...this.opts.settings, modelPath: this.path } } satisfies ToSlmWorker,
      loadTimeoutMs: this.opts.loadTimeoutMs ?? 300_000,
      what: "L2 worker",
      loadOutcome: (msg) => {
        if (msg.type === "load_failed") return { failed: `L2 model failed to load from ${this.path}: ${msg.message}` };
        if (msg.type !== "loaded") return undefined;
        this.loaded = { gpu: msg.gpu, contextSize: msg.contextSize };
        return { loaded: true };
      },
      onMessage: (msg) => this.onMessage(slot, msg),
      onDeath: (message) => this.replace(slot, message),
    });
    return slot;
  }
}
