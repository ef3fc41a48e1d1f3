// Client for any OpenAI-compatible Chat Completions API.
import { estimateTokens } from "../pipeline/tokens.ts";
import type { ChatStream, StreamChunk } from "../pipeline/types.ts";
import { postUpstream, readJson, sseEvents } from "./http.ts";
import type { ProviderCall, ProviderClient } from "./provider.ts";
import { fromOpenAIResponse, OpenAIStreamReader, toOpenAIBody } from "./wire/openai.ts";

export interface OpenAICompatibleOptions {
  name: string;
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
  /** extra headers (e.g. OpenRouter's HTTP-Referer) */
  headers?: Record<string, string>;
  /** how the key is sent: Authorization: Bearer (default) or Azure's api-key header */
  authStyle?: "bearer" | "api-key";
}

export class OpenAICompatibleClient implements ProviderClient {
  readonly name: string;
  private readonly url: string;

  constructor(private readonly opts: OpenAICompatibleOptions) {
    this.name = opts.name;
    this.url = `${opts.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  }

  private headers(apiKey: string | undefined): Record<string, string> {
    const h: Record<string, string> = { ...this.opts.headers };
    if (apiKey) {
      if (this.opts.authStyle === "api-key") h["api-key"] = apiKey;
      else h.authorization = `Bearer ${apiKey}`;
    }
    return h;
  }

  private post(call: ProviderCall, stream: boolean) {
    return postUpstream({
      provider: this.name,
      url: this.url,
      headers: this.headers(call.apiKey ?? this.opts.apiKey),
      body: toOpenAIBody(call.request, call.model, stream),
      signal: call.signal,
      timeoutMs: this.opts.timeoutMs,
    });
  }

  async complete(call: ProviderCall) {
    const up = await this.post(call, false);
    return fromOpenAIResponse(await readJson(this.name, up.response), estimateTokens);
  }

  async stream(call: ProviderCall): Promise<ChatStream> {
    const up = await this.post(call, true);
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
