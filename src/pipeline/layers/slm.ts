// L2: a small local model classifies candidate requests (single-turn, no tools, no images by
// default) and answers the simple ones itself (L0.5's "local" route skips the classification, its
// "upstream" route skips L2); COMPLEX, an unreadable label, or any trouble with
// the model (not loaded, queue full, timeout, crash) passes the request on. Answers stream as the
// model generates them, carry the model's own token counts, and reach L1 only with cache_answers.
import type { ClassifyCall, GenerateCall, GenerateResult, SlmBackend, SlmSkipReason, SlmTurn } from "../../inference/slm-backend.ts";
import { SLM_SKIP_REASONS, SlmUnavailableError } from "../../inference/slm-backend.ts";
import { classifierSystemPrompt, DEFAULT_LOCAL_LABELS, LABELS, type ClassifierMode } from "../../inference/slm-label.ts";
import type { Answer, Layer, RequestContext } from "../context.ts";
import { newId, nowSecs } from "../ids.ts";
import type { ChatRequest, ChatResponse, ContentPart, StreamChunk } from "../types.ts";

export const LABEL_HEADER = "x-isartor-l2-label";
export const SKIP_HEADER = "x-isartor-l2-skip";
const DEFAULT_SYSTEM = "You are a helpful assistant. Answer briefly and accurately.";

export interface SlmLayerOptions {
  mode: ClassifierMode;
  /** labels answered locally; empty = the mode's defaults */
  localLabels: readonly string[];
  maxClassifyTokens: number;
  maxAnswerTokens: number;
  maxPromptTokens: number;
  cacheAnswers: boolean;
  allowMultiTurn: boolean;
  allowTools: boolean;
  allowImages: boolean;
}

type PassReason = SlmSkipReason | "unclassified" | "empty_answer";

export interface SlmLayerStats {
  candidates: number;
  not_candidates: number;
  labels: Record<string, number>;
  answered: number;
  streamed: number;
  /** candidates L0.5 routed "local": answered without classifying */
  routed_local: number;
  /** candidates that went on because of their label (COMPLEX, or a label not in local_labels) */
  passed_on: number;
  /** candidates that went on because L2 could not answer: the fail-open count */
  failed_open: Record<PassReason, number>;
  /** streams that broke after their first token (the caller got an error event) */
  broken_streams: number;
}

/** The part of the validation a config error must name: local_labels must be labels of the mode. */
export function checkLocalLabels(mode: ClassifierMode, labels: readonly string[]): string | undefined {
  const bad = labels.filter((l) => !LABELS[mode].includes(l));
  return bad.length ? `layer2.local_labels: ${bad.join(", ")} ${bad.length > 1 ? "are" : "is"} not a ${mode} label (allowed: ${LABELS[mode].join(", ")})` : undefined;
}

function text(parts: ContentPart[]): string {
  return parts
    .filter((p): p is Extract<ContentPart, { type: "text" }> => p.type === "text")
    .map((p) => p.text)
    .join("\n");
}

export class SlmLayer implements Layer {
  readonly name = "l2" as const;
  readonly failOpen = true;
  private readonly labels: readonly string[];
  private readonly local: readonly string[];
  private readonly counters: SlmLayerStats;

  constructor(
    readonly classifier: SlmBackend,
    readonly answerer: SlmBackend,
    private readonly opts: SlmLayerOptions,
  ) {
    const problem = checkLocalLabels(opts.mode, opts.localLabels);
    if (problem) throw new Error(problem);
    this.labels = LABELS[opts.mode];
    this.local = opts.localLabels.length ? opts.localLabels : DEFAULT_LOCAL_LABELS[opts.mode];
    this.counters = {
      candidates: 0,
      not_candidates: 0,
      labels: Object.fromEntries(this.labels.map((l) => [l, 0])),
      answered: 0,
      streamed: 0,
      routed_local: 0,
      passed_on: 0,
      failed_open: Object.fromEntries([...SLM_SKIP_REASONS, "unclassified", "empty_answer"].map((r) => [r, 0])) as Record<PassReason, number>,
      broken_streams: 0,
    };
  }

  stats(): SlmLayerStats {
    return structuredClone(this.counters);
  }

  /** The conversation for the local model, or undefined when the request is not a candidate. */
  turns(req: ChatRequest): SlmTurn[] | undefined {
    const o = this.opts;
    if ((req.params.n ?? 1) > 1 || req.responseFormat !== undefined) return undefined;
    if (req.tools?.length && !o.allowTools) return undefined;
    if (req.messages.length === 0 || req.messages[req.messages.length - 1]!.role !== "user") return undefined;
    if (req.messages.length > 1 && !o.allowMultiTurn) return undefined;
    const turns: SlmTurn[] = [];
    for (const m of req.messages) {
      if (m.role !== "user" && m.role !== "assistant") return undefined;
      if (m.toolCalls?.length) return undefined;
      for (const p of m.content) {
        if (p.type === "opaque" || (p.type === "image" && !o.allowImages)) return undefined;
      }
      turns.push({ role: m.role, text: text(m.content) });
    }
    const chars = text(req.system).length + turns.reduce((n, t) => n + t.text.length, 0);
    if (!turns[turns.length - 1]!.text.trim() || Math.ceil(chars / 4) > o.maxPromptTokens) return undefined;
    return turns;
  }

  async handle(ctx: RequestContext): Promise<Answer | undefined> {
    // L0.5 sent it to a provider/model: not L2's to answer
    const turns = ctx.route?.target === "upstream" ? undefined : this.turns(ctx.request);
    if (!turns) {
      this.counters.not_candidates++;
      return undefined;
    }
    this.counters.candidates++;
    // a model not loaded at startup (layer2.preload = false) starts loading now; this request passes on
    for (const b of [this.classifier, this.answerer]) if (b.state() === "idle") void b.start();
    try {
      const classify: ClassifyCall = {
        system: classifierSystemPrompt(this.opts.mode),
        prompt: turns[turns.length - 1]!.text,
        labels: this.labels,
        maxTokens: this.opts.maxClassifyTokens,
        signal: ctx.signal,
      };
      if (ctx.route?.target === "local") this.counters.routed_local++;
      else {
        const { label } = await this.classifier.classify(classify);
        if (!label) return this.pass(ctx, "unclassified");
        this.counters.labels[label] = (this.counters.labels[label] ?? 0) + 1;
        ctx.responseHeaders[LABEL_HEADER] = label;
        if (!this.local.includes(label)) {
          this.counters.passed_on++;
          return undefined;
        }
      }
      const call: GenerateCall = {
        system: text(ctx.request.system).trim() || DEFAULT_SYSTEM,
        turns,
        maxTokens: Math.min(this.opts.maxAnswerTokens, ctx.request.params.maxTokens ?? Number.POSITIVE_INFINITY),
        signal: ctx.signal,
      };
      return ctx.request.stream ? await this.stream(ctx, call) : await this.complete(ctx, call);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      return this.pass(ctx, err instanceof SlmUnavailableError ? err.reason : "error");
    }
  }

  private pass(ctx: RequestContext, reason: PassReason): undefined {
    this.counters.failed_open[reason]++;
    ctx.responseHeaders[SKIP_HEADER] = reason;
    return undefined;
  }

  private respond(ctx: RequestContext): { id: string; created: number; model: string } {
    if (!this.opts.cacheAnswers) ctx.cache = { ...ctx.cache, store: false };
    return { id: newId(ctx.format === "anthropic" ? "msg_" : "chatcmpl-"), created: nowSecs(), model: ctx.request.model || ctx.model };
  }

  private async complete(ctx: RequestContext, call: GenerateCall): Promise<Answer | undefined> {
    const result = await this.answerer.generate(call);
    if (!result.text.trim()) return this.pass(ctx, "empty_answer");
    this.counters.answered++;
    const response: ChatResponse = {
      ...this.respond(ctx),
      message: { role: "assistant", content: [{ type: "text", text: result.text }] },
      finishReason: result.finish,
      usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens },
    };
    return { kind: "response", layer: this.name, response };
  }

  /**
   * Starts the answer and waits for its first piece: until then a failure still passes the request
   * on. After that the caller has bytes, so a failure ends the stream with an error event.
   */
  private async stream(ctx: RequestContext, call: GenerateCall): Promise<Answer | undefined> {
    const stop = new AbortController();
    const pending: string[] = [];
    let outcome: { result: GenerateResult } | { error: unknown } | undefined;
    let wake: (() => void) | undefined;
    const notify = () => {
      wake?.();
      wake = undefined;
    };
    const next = () => new Promise<void>((resolve) => (pending.length || outcome ? resolve() : (wake = resolve)));
    void this.answerer
      .generate({ ...call, signal: AbortSignal.any([ctx.signal, stop.signal]), onText: (t) => (pending.push(t), notify()) })
      .then(
        (result) => (outcome = { result }),
        (error) => (outcome = { error }),
      )
      .finally(notify);
    while (!pending.some((t) => t.trim()) && !outcome) await next();
    if (outcome && "error" in outcome && !pending.length) throw outcome.error;
    if (outcome && "result" in outcome && !outcome.result.text.trim()) return this.pass(ctx, "empty_answer");
    this.counters.answered++;
    this.counters.streamed++;
    const head = this.respond(ctx);
    const counters = this.counters;
    async function* events(): AsyncGenerator<StreamChunk> {
      try {
        yield { events: [{ type: "start", ...head }] };
        while (true) {
          if (pending.length) yield { events: pending.splice(0).map((t) => ({ type: "text" as const, text: t })) };
          else if (outcome) break;
          else await next();
        }
        if ("result" in outcome) {
          yield { events: [{ type: "finish", finishReason: outcome.result.finish, usage: { inputTokens: outcome.result.inputTokens, outputTokens: outcome.result.outputTokens } }] };
        } else {
          counters.broken_streams++;
          const timeout = outcome.error instanceof SlmUnavailableError && outcome.error.reason === "timeout";
          yield { events: [{ type: "error", status: timeout ? 504 : 502, errorType: timeout ? "timeout" : "upstream", message: `the local model stopped: ${(outcome.error as Error).message}` }] };
        }
      } finally {
        // the caller stopped reading: stop the model too
        if (!outcome) stop.abort();
      }
    }
    return { kind: "stream", layer: this.name, stream: events() };
  }
}
