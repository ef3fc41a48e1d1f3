import type { ChatRequest, ChatResponse, ChatStream, FormatName, LayerName } from "./types.ts";

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
