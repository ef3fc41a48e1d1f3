// Client for Anthropic's native Messages API. Anthropic callers are forwarded without translation.
import { estimateTokens } from "../pipeline/tokens.ts";
import type { ChatStream, StreamChunk } from "../pipeline/types.ts";
import { postUpstream, readJson, sseEvents } from "./http.ts";
import type { ProviderCall, ProviderClient } from "./provider.ts";
import { AnthropicStreamReader, fromAnthropicResponse, toAnthropicBody } from "./wire/anthropic.ts";
import { refuseBuiltinTools } from "./wire/responses.ts";

/** Options shared by the native (non-OpenAI) clients. */
export interface NativeClientOptions {
  name: string;
  /** API root including the version, e.g. https://api.anthropic.com/v1 or https://generativelanguage.googleapis.com/v1beta */
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
  headers?: Record<string, string>;
}

export const ANTHROPIC_VERSION = "2023-06-01";

/** Turns a stream reader over upstream SSE into canonical chunks; transport failures become an error event. */
export async function* readUpstreamStream(
  events: AsyncIterable<{ event?: string; data: string }>,
  read: (event: string | undefined, data: string) => StreamChunk | undefined,
  end: () => StreamChunk | undefined,
): AsyncGenerator<StreamChunk> {
  try {
    for await (const e of events) {
      const chunk = read(e.event, e.data);
      if (chunk) yield chunk;
    }
    const last = end();
    if (last) yield last;
  } catch (err) {
    const e = err as { status?: number; kind?: string; message?: string };
    yield { events: [{ type: "error", status: e.status ?? 502, errorType: e.kind ?? "upstream", message: e.message ?? String(err) }] };
  }
}

/**
 * What an Anthropic caller sent besides the body that an Anthropic upstream must see too: its
 * anthropic-version and anthropic-beta headers (features such as mid-conversation system messages
 * or a longer context are switched on there) and ?beta=true.
 */
export function forwardedAnthropic(client: ProviderCall["client"]): { headers: Record<string, string>; search: string } {
  const headers: Record<string, string> = {};
  const version = client?.headers.get("anthropic-version");
  const beta = client?.headers.get("anthropic-beta");
  if (version) headers["anthropic-version"] = version;
  if (beta) headers["anthropic-beta"] = beta;
  const betaQuery = new URLSearchParams(client?.search ?? "").get("beta");
  return { headers, search: betaQuery ? `?beta=${encodeURIComponent(betaQuery)}` : "" };
}

export class AnthropicClient implements ProviderClient {
  readonly name: string;
  private readonly url: string;

  constructor(private readonly opts: NativeClientOptions) {
    this.name = opts.name;
    this.url = `${opts.baseUrl.replace(/\/+$/, "")}/messages`;
  }

  private post(call: ProviderCall, stream: boolean) {
    refuseBuiltinTools(call.request, this.name);
    const forwarded = call.request.source.format === "anthropic" ? forwardedAnthropic(call.client) : { headers: {}, search: "" };
    const headers: Record<string, string> = { "anthropic-version": ANTHROPIC_VERSION, ...forwarded.headers, ...this.opts.headers };
    const apiKey = call.apiKey ?? this.opts.apiKey;
    if (apiKey) headers["x-api-key"] = apiKey;
    return postUpstream({
      provider: this.name,
      url: this.url + forwarded.search,
      headers,
      body: toAnthropicBody(call.request, call.model, stream),
      signal: call.signal,
      timeoutMs: this.opts.timeoutMs,
      limits: call.upstream,
    });
  }

  async complete(call: ProviderCall) {
    const up = await this.post(call, false);
    return fromAnthropicResponse(await readJson(this.name, up.response, "anthropic"), estimateTokens);
  }

  async stream(call: ProviderCall): Promise<ChatStream> {
    const up = await this.post(call, true);
    const reader = new AnthropicStreamReader();
    return readUpstreamStream(sseEvents(up, this.name, this.opts.timeoutMs), (event, data) => reader.read(event, data), () => reader.end());
  }
}
