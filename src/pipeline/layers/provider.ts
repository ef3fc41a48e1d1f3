// L3: the cloud (or any upstream) provider. Never fails open: its errors are the caller's errors.
import type { ProviderClient } from "../../providers/provider.ts";
import type { Answer, Layer, RequestContext } from "../context.ts";
import { GatewayError } from "../errors.ts";

export const NO_PROVIDER_MESSAGE =
  "no LLM provider is configured, so this request could not be answered from cache. " +
  "Set ISARTOR__EXTERNAL_LLM_API_KEY (and ISARTOR__LLM_PROVIDER, ISARTOR__EXTERNAL_LLM_MODEL, or " +
  "ISARTOR__EXTERNAL_LLM_BASE_URL for a self-hosted OpenAI-compatible server), or the same keys in isartor.toml.";

export class ProviderLayer implements Layer {
  readonly name = "l3" as const;
  readonly failOpen = false;

  constructor(private readonly provider: ProviderClient | undefined) {}

  async handle(ctx: RequestContext): Promise<Answer> {
    if (!this.provider) throw new GatewayError(503, "unavailable", NO_PROVIDER_MESSAGE, { code: "provider_not_configured" });
    const call = { request: ctx.upstreamRequest ?? ctx.request, model: ctx.model, signal: ctx.signal };
    if (ctx.request.stream) return { kind: "stream", layer: this.name, provider: this.provider.name, stream: await this.provider.stream(call) };
    return { kind: "response", layer: this.name, provider: this.provider.name, response: await this.provider.complete(call) };
  }
}
