// Client for any OpenAI-compatible Chat Completions API.
import { estimateTokens } from "../pipeline/tokens.ts";
import type { ChatStream, StreamChunk } from "../pipeline/types.ts";
import { readUpstreamStream } from "./anthropic-client.ts";
import { postUpstream, readJson, sseEvents } from "./http.ts";
import type { ProviderCall, ProviderClient } from "./provider.ts";
import { fromOpenAIResponse, OpenAIStreamReader, toOpenAIBody } from "./wire/openai.ts";
import { fromResponsesResponse, isResponsesPassThrough, refuseBuiltinTools, ResponsesStreamReader, toResponsesBody } from "./wire/responses.ts";

export interface OpenAICompatibleOptions {
  name: string;
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
  /** extra headers (e.g. OpenRouter's HTTP-Referer) */
  headers?: Record<string, string>;
  /** how the key is sent: Authorization: Bearer (default) or Azure's api-key header */
  authStyle?: "bearer" | "api-key";
  /** the upstream also serves the Responses API (POST /responses): Responses callers are forwarded there as-is */
  responsesApi?: boolean;
}

export class OpenAICompatibleClient implements ProviderClient {
  readonly name: string;
  private readonly url: string;
  private readonly responsesUrl: string;

  constructor(private readonly opts: OpenAICompatibleOptions) {
    this.name = opts.name;
    const base = opts.baseUrl.replace(/\/+$/, "");
    this.url = `${base}/chat/completions`;
    this.responsesUrl = `${base}/responses`;
  }

  private passThroughResponses(call: ProviderCall): boolean {
    if (this.opts.responsesApi && isResponsesPassThrough(call.request)) return true;
    refuseBuiltinTools(call.request, this.name);
    return false;
  }

  private headers(apiKey: string | undefined): Record<string, string> {
    const h: Record<string, string> = { ...this.opts.headers };
    if (apiKey) {
      if (this.opts.authStyle === "api-key") h["api-key"] = apiKey;
      else h.authorization = `Bearer ${apiKey}`;
    }
    return h;
  }

  private post(call: ProviderCall, stream: boolean, responses: boolean) {
    return postUpstream({
      provider: this.name,
      url: responses ? this.responsesUrl : this.url,
      headers: this.headers(call.apiKey ?? this.opts.apiKey),
      body: responses ? toResponsesBody(call.request, call.model, stream) : toOpenAIBody(call.request, call.model, stream),
      signal: call.signal,
      timeoutMs: this.opts.timeoutMs,
      limits: call.upstream,
    });
  }

  async complete(call: ProviderCall) {
    const responses = this.passThroughResponses(call);
    const up = await this.post(call, false, responses);
    const json = await readJson(this.name, up.response, responses ? "responses" : "openai");
    return responses ? fromResponsesResponse(json, estimateTokens) : fromOpenAIResponse(json, estimateTokens);
  }

  async stream(call: ProviderCall): Promise<ChatStream> {
    const responses = this.passThroughResponses(call);
    const up = await this.post(call, true, responses);
    if (responses) {
      const reader = new ResponsesStreamReader();
      return readUpstreamStream(sseEvents(up, this.name, this.opts.timeoutMs), (event, data) => reader.read(event, data), () => reader.end());
    }
    const source = call.request.source;
    const clientWantsUsage =
      source.format === "openai" && Boolean(((source.body as { stream_options?: { include_usage?: boolean } }).stream_options ?? {}).include_usage);
    const name = this.name;
    const idleMs = this.opts.timeoutMs;
    return (async function* (): AsyncGenerator<StreamChunk> {
      const reader = new OpenAIStreamReader(clientWantsUsage);
      try {
        for await (const event of sseEvents(up, name, idleMs)) {
          const chunk = reader.read(event.data);
          if (chunk) yield chunk;
        }
        const last = reader.end();
        if (last) yield last;
      } catch (err) {
        const e = err as { status?: number; message?: string };
        yield { events: [{ type: "error", status: e.status ?? 502, errorType: "upstream", message: e.message ?? String(err) }] };
      }
    })();
  }
}
