// L0.5 (ADR-027): classifies the request with the router heads on the L1b embedder's vector of the
// latest user text, and applies the first matching rule before any cache is consulted:
//   - "provider/model" (or a model / alias): ctx.model becomes that target, so both cache keys and
//     L3 follow the route and differently routed requests never share a cache entry;
//   - "local": ctx.route asks L2 to prefer answering locally; the model and keys stay as they are.
// Embedder trouble, a wrong-sized vector or no matching rule: in fallback mode the request goes on
// unrouted (counted); in fail-closed mode it is refused with 503.
import { EmbedUnavailableError, type Embedder } from "../../inference/embedder.ts";
import { classifierContext } from "../../router/classifier-context.ts";
import { classify, describeClassification, DimensionMismatchError, type Classification } from "../../router/classify.ts";
import { LOCAL_TARGET, matchRule } from "../../router/rules.ts";
import type { RouterSetup } from "../../router/setup.ts";
import type { Layer, RequestContext } from "../context.ts";
import { GatewayError } from "../errors.ts";

export const ROUTE_HEADER = "x-isartor-route";
export const ROUTE_TARGET_HEADER = "x-isartor-route-target";
export const ROUTE_LABELS_HEADER = "x-isartor-route-labels";

export type RouterFailure = "no_text" | "not_ready" | "queue_full" | "timeout" | "worker_crash" | "error" | "dim_mismatch";

export interface RouterStats {
  routed: number;
  local: number;
  noMatch: number;
  failed: Record<RouterFailure, number>;
}

class RouterTimeout extends Error {}

async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RouterTimeout(`no embedding within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export class RouterLayer implements Layer {
  readonly name = "l0.5" as const;
  readonly failOpen: boolean;
  private readonly counters: RouterStats = {
    routed: 0,
    local: 0,
    noMatch: 0,
    failed: { no_text: 0, not_ready: 0, queue_full: 0, timeout: 0, worker_crash: 0, error: 0, dim_mismatch: 0 },
  };

  constructor(
    readonly embedder: Embedder,
    private readonly setup: RouterSetup,
    /** the model router's resolve(): aliases applied, as for a model the caller named */
    private readonly resolveModel: (name: string) => string,
  ) {
    this.failOpen = setup.fallback;
  }

  stats(): RouterStats {
    return structuredClone(this.counters);
  }

  async handle(ctx: RequestContext): Promise<undefined> {
    const text = classifierContext(ctx.request, this.setup.maxContextChars);
    if (!text) return this.unrouted(ctx, "no_text", "the request has no text to classify");
    let classification: Classification;
    try {
      const [vector] = await within(this.embedder.embed([text]), this.setup.timeoutMs);
      classification = classify(this.setup.artifact, vector!);
    } catch (err) {
      const reason: RouterFailure =
        err instanceof EmbedUnavailableError ? err.reason : err instanceof RouterTimeout ? "timeout" : err instanceof DimensionMismatchError ? "dim_mismatch" : "error";
      return this.unrouted(ctx, reason, (err as Error).message);
    }
    ctx.responseHeaders[ROUTE_LABELS_HEADER] = describeClassification(classification);
    const rule = matchRule(this.setup.rules, classification, this.setup.minConfidence);
    if (!rule) {
      this.counters.noMatch++;
      if (!this.setup.fallback) throw this.refusal("no routing rule matched this request");
      ctx.responseHeaders[ROUTE_HEADER] = "none";
      return undefined;
    }
    const labels = Object.fromEntries(Object.entries(classification).map(([head, p]) => [head, { label: p!.label, confidence: p!.confidence }]));
    for (const layer of rule.skip) ctx.skip.add(layer);
    ctx.responseHeaders[ROUTE_HEADER] = rule.name;
    ctx.responseHeaders[ROUTE_TARGET_HEADER] = rule.target;
    if (rule.target === LOCAL_TARGET) {
      this.counters.local++;
      ctx.route = { target: "local", rule: rule.name, labels };
      return undefined;
    }
    this.counters.routed++;
    ctx.model = this.resolveModel(rule.target);
    ctx.route = { target: "upstream", rule: rule.name, model: ctx.model, labels };
    return undefined;
  }

  private unrouted(ctx: RequestContext, reason: RouterFailure, detail: string): undefined {
    this.counters.failed[reason]++;
    if (!this.setup.fallback) throw this.refusal(`the router could not classify this request (${reason}: ${detail})`);
    ctx.responseHeaders[ROUTE_HEADER] = `fallback; reason=${reason}`;
    return undefined;
  }

  private refusal(why: string) {
    return new GatewayError(503, "unavailable", `${why}, and classifier_routing.fallback_to_existing_routing = false refuses unrouted requests`, {
      code: "router_unavailable",
    });
  }
}
