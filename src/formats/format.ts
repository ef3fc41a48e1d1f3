import type { GatewayError } from "../pipeline/errors.ts";
import type { ChatRequest, ChatResponse, ChatStream, FormatName, LayerName } from "../pipeline/types.ts";

export interface RenderMeta {
  layer: LayerName;
  provider?: string;
}

export interface ParseOptions {
  /** model named in the URL (Gemini) */
  pathModel?: string;
  /** stream requested by the URL rather than the body (Gemini) */
  stream?: boolean;
  /** the caller's tenant (gateway key), for formats that keep per-tenant state (Responses previous_response_id) */
  tenant?: string;
  /** the caller's request headers (Anthropic beta flags enter the cache key) */
  headers?: Headers;
}

/** One wire format: pure translation between its JSON and the canonical types, no I/O. */
export interface WireFormat {
  readonly name: FormatName;
  /** wire JSON → canonical request; throws GatewayError(400) naming the bad field */
  parse(body: unknown, opts?: ParseOptions): ChatRequest;
  render(res: ChatResponse, req: ChatRequest, meta: RenderMeta): unknown;
  /** canonical chunks → the body text of the streamed response, frame by frame */
  renderStream(chunks: ChatStream, req: ChatRequest, meta: RenderMeta): AsyncIterable<string>;
  /** content type of a streamed response */
  streamContentType(req: ChatRequest): string;
  renderError(err: GatewayError): unknown;
}
