// The shapes the pipeline and the provider chain see of a request's spans, free of OpenTelemetry
// imports so that code paths without tracing load none of it (request-trace.ts implements them).
import type { LayerName } from "../pipeline/types.ts";

export type SpanAttrs = Record<string, string | number | boolean | undefined>;

export interface SpanHandle {
  set(attrs: SpanAttrs): void;
  fail(err: unknown): void;
  end(): void;
}

export interface RequestTrace {
  readonly root: SpanHandle;
  readonly traceId: string;
  /** a child of the root; upstream attempts started while it is open become its children */
  layer(name: LayerName): SpanHandle;
  /** a child of the layer span currently open (L3) */
  attempt(provider: string, model: string, attempt: number): SpanHandle;
  /** an answer offered back to a cache layer (l1a_exact_cache_insert, l1b_semantic_cache_insert) */
  insert(name: LayerName): SpanHandle | undefined;
}

/** What a layer span records about its outcome (seed 003: cosine_similarity on l1b searches). */
export function layerSpanAttributes(layer: LayerName, answer: { provider?: string } | undefined, ctx: { responseHeaders: Record<string, string> }): SpanAttrs {
  if (layer === "l1a") return { "isartor.cache.hit": answer !== undefined };
  if (layer === "l1b") {
    const similarity = answer ? ctx.responseHeaders["x-isartor-similarity"] : undefined;
    return { "isartor.cache.hit": answer !== undefined, ...(similarity ? { cosine_similarity: Number(similarity) } : {}) };
  }
  if (layer === "l3") return { "isartor.provider": answer?.provider };
  return { "isartor.answered": answer !== undefined };
}
