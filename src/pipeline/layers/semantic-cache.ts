// L1b: answers a question asked before in other words, within the same scope (same tenant, model,
// system prompt, history, tools and parameters; only the last user message may differ). Embedding
// trouble (model loading, queue full, timeout, worker crash) skips the layer for that request.
import { chooseMatch, type Rejection } from "../../cache/guard/choose-match.ts";
import { DEFAULT_AMBIGUITY_MARGIN } from "../../cache/guard/neighbour-check.ts";
import { semanticScope } from "../../cache/keys.ts";
import type { VectorStore } from "../../cache/vector-store.ts";
import { EmbedUnavailableError, type Embedder, type EmbedSkipReason } from "../../inference/embedder.ts";
import type { Answer, Layer, RequestContext } from "../context.ts";
import type { ChatResponse } from "../types.ts";
import { isCacheable } from "./exact-cache.ts";
import { localAnswer } from "./local-answer.ts";

export interface SemanticCacheOptions {
  /** cosine similarity needed for a hit */
  threshold: number;
  /** verify matches with the false-hit guard */
  guard: boolean;
  /** matches above the threshold tried against the guard, best first */
  candidates?: number;
  /**
   * with the guard on: refuse a match when another cached question with a different answer scores
   * within this much of it (default DEFAULT_AMBIGUITY_MARGIN; 0 turns the cross-check off)
   */
  ambiguityMargin?: number;
}

/**
 * What the guard decided for one request, also sent as `x-isartor-semantic-guard`
 * (`accepted:<score>`, `refused:<reason>:<score>`; absent when nothing reached the threshold).
 */
export interface SemanticGuardOutcome {
  verdict: "accepted" | "refused";
  /** for "refused": the reason of the best candidate's refusal */
  reason?: Rejection;
  /** cosine of that candidate */
  score: number;
  /** what differed, e.g. "boil/freez", or the rival question's score for "ambiguous" */
  detail?: string;
}

export const SEMANTIC_GUARD_HEADER = "x-isartor-semantic-guard";

export interface SemanticCacheStats {
  hits: number;
  misses: number;
  stored: number;
  guardRejected: Record<Rejection, number>;
  /** requests that skipped L1b because no embedding could be had in time */
  skipped: Record<EmbedSkipReason, number>;
}

interface Embedded {
  scope: string;
  question: string;
  vector: Float32Array;
}

export class SemanticCacheLayer implements Layer {
  readonly name = "l1b" as const;
  readonly failOpen = true;
  /** the lookup's embedding, reused to store the answer; null when the lookup could not get one */
  private readonly embedded = new WeakMap<RequestContext, Embedded | null>();
  private readonly outcomes = new WeakMap<RequestContext, SemanticGuardOutcome>();
  private readonly counters: SemanticCacheStats = {
    hits: 0,
    misses: 0,
    stored: 0,
    guardRejected: { numbers: 0, negation: 0, entities: 0, antonym: 0, swapped_word: 0, ambiguous: 0 },
    skipped: { not_ready: 0, queue_full: 0, timeout: 0, worker_crash: 0, error: 0 },
  };

  constructor(
    readonly embedder: Embedder,
    private readonly store: VectorStore,
    private readonly opts: SemanticCacheOptions,
  ) {}

  stats(): SemanticCacheStats {
    return structuredClone(this.counters);
  }

  async handle(ctx: RequestContext): Promise<Answer | undefined> {
    if (!ctx.cache.lookup || !isCacheable(ctx)) return undefined;
    const target = await this.embed(ctx);
    if (!target) return undefined;
    const margin = this.opts.guard ? (this.opts.ambiguityMargin ?? DEFAULT_AMBIGUITY_MARGIN) : 0;
    // neighbours a little below the threshold still count as rivals for the cross-check
    const neighbours = await this.store.search(target.scope, target.vector, { minScore: Math.max(0, this.opts.threshold - margin), limit: this.opts.candidates ?? 4 });
    const choice = chooseMatch(target.question, neighbours, { threshold: this.opts.threshold, guard: this.opts.guard, margin });
    for (const r of choice.refused) this.counters.guardRejected[r.reason]++;
    const firstRefusal = choice.refused[0];
    if (choice.accepted) {
      const match = choice.accepted;
      this.counters.hits++;
      ctx.responseHeaders["x-isartor-similarity"] = match.score.toFixed(4);
      if (this.opts.guard) this.record(ctx, { verdict: "accepted", score: match.score });
      return { kind: "response", layer: this.name, response: localAnswer(ctx, match.entry.response) };
    }
    if (firstRefusal) this.record(ctx, { verdict: "refused", reason: firstRefusal.reason, score: firstRefusal.match.score, ...(firstRefusal.detail ? { detail: firstRefusal.detail } : {}) });
    this.counters.misses++;
    return undefined;
  }

  /** the guard's verdict for this request, when a candidate reached the threshold (for traces) */
  guardOutcome(ctx: RequestContext): SemanticGuardOutcome | undefined {
    return this.outcomes.get(ctx);
  }

  private record(ctx: RequestContext, outcome: SemanticGuardOutcome) {
    this.outcomes.set(ctx, outcome);
    const score = outcome.score.toFixed(4);
    ctx.responseHeaders[SEMANTIC_GUARD_HEADER] = outcome.verdict === "accepted" ? `accepted:${score}` : `refused:${outcome.reason}:${score}`;
  }

  async remember(ctx: RequestContext, response: ChatResponse) {
    // only complete answers: a length-truncated one is a partial answer to a paraphrase
    if (!ctx.cache.store || !isCacheable(ctx) || response.finishReason !== "stop") return;
    const looked = this.embedded.get(ctx);
    const target = looked === undefined ? await this.embed(ctx) : looked;
    if (!target) return;
    await this.store.add(target.scope, target.vector, { question: target.question, response });
    this.counters.stored++;
  }

  private async embed(ctx: RequestContext): Promise<Embedded | undefined> {
    const scoped = semanticScope(ctx.tenant, ctx.model, ctx.request);
    if (!scoped) return undefined;
    let vector: Float32Array;
    try {
      [vector] = (await this.embedder.embed([scoped.question])) as [Float32Array];
    } catch (err) {
      this.counters.skipped[err instanceof EmbedUnavailableError ? err.reason : "error"]++;
      this.embedded.set(ctx, null);
      return undefined;
    }
    const target = { ...scoped, vector };
    this.embedded.set(ctx, target);
    return target;
  }
}
