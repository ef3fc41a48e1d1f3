// Client for Google's native Gemini API (generateContent / streamGenerateContent?alt=sse).
import { estimateTokens } from "../pipeline/tokens.ts";
import type { ChatStream } from "../pipeline/types.ts";
import { readUpstreamStream, type NativeClientOptions } from "./anthropic-client.ts";
import { postUpstream, readJson, sseEvents } from "./http.ts";
import type { ProviderCall, ProviderClient } from "./provider.ts";
import { fromGeminiResponse, GeminiStreamReader, toGeminiBody } from "./wire/gemini.ts";
import { refuseBuiltinTools } from "./wire/responses.ts";

export class GeminiClient implements ProviderClient {
  readonly name: string;
  private readonly base: string;

  constructor(private readonly opts: NativeClientOptions) {
    this.name = opts.name;
    this.base = opts.baseUrl.replace(/\/+$/, "");
  }

  private post(call: ProviderCall, stream: boolean) {
    refuseBuiltinTools(call.request, this.name);
    const model = encodeURIComponent(call.model.replace(/^models\//, ""));
    const url = `${this.base}/models/${model}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`;
    const headers: Record<string, string> = { ...this.opts.headers };
    const apiKey = call.apiKey ?? this.opts.apiKey;
    if (apiKey) headers["x-goog-api-key"] = apiKey;
    return postUpstream({ provider: this.name, url, headers, body: toGeminiBody(call.request), signal: call.signal, timeoutMs: this.opts.timeoutMs, limits: call.upstream });
  }

  async complete(call: ProviderCall) {
    const up = await this.post(call, false);
    const res = fromGeminiResponse(await readJson(this.name, up.response, "gemini"), estimateTokens);
    return { ...res, model: res.model || call.model };
  }

  async stream(call: ProviderCall): Promise<ChatStream> {
    const up = await this.post(call, true);
    const reader = new GeminiStreamReader();
    return readUpstreamStream(sseEvents(up, this.name, this.opts.timeoutMs), (_event, data) => reader.read(data), () => reader.end());
  }
}
