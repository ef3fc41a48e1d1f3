import type { ChatRequest, ChatResponse, ChatStream } from "../pipeline/types.ts";
import type { UpstreamCallOptions } from "./http.ts";

export interface ProviderCall {
  request: ChatRequest;
  /** the model name to send upstream */
  model: string;
  signal: AbortSignal;
  /** key chosen from the provider's key pool for this call; used instead of the client's configured key */
  apiKey?: string;
  /** response size limit and send notification, passed through to postUpstream */
  upstream?: UpstreamCallOptions;
  /** what the caller sent besides the body, for clients that forward some of it (Anthropic beta headers, ?beta=true) */
  client?: { headers: Headers; search?: string };
}

/** One upstream LLM API. */
export interface ProviderClient {
  readonly name: string;
  complete(call: ProviderCall): Promise<ChatResponse>;
  /**
   * Starts a streamed call. Resolves once the upstream accepted the request (status and headers
   * read), so failures before the first byte reject here and can fall back; later failures arrive
   * as an `error` event in the stream.
   */
  stream(call: ProviderCall): Promise<ChatStream>;
}
