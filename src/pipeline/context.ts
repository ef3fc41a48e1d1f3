import type { ChatRequest, ChatResponse, ChatStream, FormatName, LayerName } from "./types.ts";
import type { RequestTrace } from "../telemetry/trace-types.ts";

/** Per-request cache directives from Cache-Control and x-isartor-cache. */
export interface CacheDirectives {
  /** may a cached answer be returned? */
  lookup: boolean;
  /** may this answer be stored? */
  store: boolean;
}

export interface RequestContext {
  id: string;
  request: ChatRequest;
  format: FormatName;
  /** the model this request resolves to (aliases applied, default filled in); part of every cache key */
  model: string;
  /** gateway key id; scopes every cache entry */
  tenant: string;
  headers: Headers;
  /** the query string of the caller's URL ("" or "?…"), for upstreams that take it on (Anthropic ?beta=true) */
  search?: string;
  /** aborted when the client goes away or the request times out */
  signal: AbortSignal;
  cache: CacheDirectives;
  /** milliseconds spent in each layer */
  timings: Partial<Record<LayerName, number>>;
  /** extra response headers layers want the caller to see */
  responseHeaders: Record<string, string>;
  /** layers the router asked to skip */
  skip: Set<LayerName>;
  /**
   * What L3 sends upstream when it differs from `request` (L2.5 shrank it). `request` itself stays
   * as the caller sent it, because cache keys (and remember()) are computed from it.
   */
  upstreamRequest?: ChatRequest;
  /** this request's spans; absent when tracing is off (then no span is ever created) */
  trace?: RequestTrace;
  /** what the L0.5 router decided for this request; absent when it is off, failed open or matched no rule */
  route?: RouteHint;
}

/**
 * L0.5's decision (ADR-027, docs/router.md). For `target: "upstream"` the router has already
 * rewritten `ctx.model` to `model`, so cache keys and L3 follow it. For `target: "local"` the
 * model is unchanged and the request should stay on the cache / local-model path: L2 reads this
 * to prefer answering locally.
 */
export interface RouteHint {
  target: "local" | "upstream";
  /** the rule or matrix cell that fired, e.g. "matrix[complex][code]" */
  rule: string;
  /** for "upstream": the resolved "provider/model" (or model) L3 now receives */
  model?: string;
  /** head name → predicted label and its softmax probability */
  labels: Record<string, { label: string; confidence: number }>;
}

export type Answer =
  | { kind: "response"; layer: LayerName; provider?: string; response: ChatResponse }
  | { kind: "stream"; layer: LayerName; provider?: string; stream: ChatStream };

export interface Layer {
  readonly name: LayerName;
  /** local layers fail open: an error there passes the request on instead of failing it */
  readonly failOpen: boolean;
  handle(ctx: RequestContext): Promise<Answer | undefined>;
  /** a later layer produced this completed answer; caches store it */
  remember?(ctx: RequestContext, response: ChatResponse, from: LayerName): Promise<void>;
}

export function cacheDirectives(headers: Headers): CacheDirectives {
  const cc = (headers.get("cache-control") ?? "").toLowerCase();
  const mode = (headers.get("x-isartor-cache") ?? "").toLowerCase().trim();
  const bypass = mode === "bypass" || mode === "off";
  return {
    lookup: !bypass && !/\bno-cache\b|\bno-store\b/.test(cc) && mode !== "refresh",
    store: !bypass && !/\bno-store\b/.test(cc),
  };
}
