// L3: the upstream providers, through the chain (retries, key pools, quotas, fallback). Never fails
// open: its errors are the caller's errors. The answer names the provider that actually answered.
import type { ModelRouter } from "../../providers/aliases.ts";
import type { ProviderChain } from "../../providers/chain.ts";
import type { Answer, Layer, RequestContext } from "../context.ts";
import { GatewayError } from "../errors.ts";

export const NO_PROVIDER_MESSAGE =
  "no LLM provider is configured, so this request could not be answered from cache. " +
  "Set ISARTOR__EXTERNAL_LLM_API_KEY (and ISARTOR__LLM_PROVIDER, ISARTOR__EXTERNAL_LLM_MODEL, or " +
  "ISARTOR__EXTERNAL_LLM_BASE_URL for a self-hosted OpenAI-compatible server), or [[providers]] in isartor.toml.";

export class ProviderLayer implements Layer {
  readonly name = "l3" as const;
  readonly failOpen = false;

  constructor(
    private readonly chain: ProviderChain,
    private readonly router: ModelRouter,
  ) {}

  async handle(ctx: RequestContext): Promise<Answer> {
    if (this.chain.members.size === 0) throw new GatewayError(503, "unavailable", NO_PROVIDER_MESSAGE, { code: "provider_not_configured" });
    const targets = this.router.targets(ctx.model);
    if (ctx.upstreamRequest) ctx = { ...ctx, request: ctx.upstreamRequest };
    if (ctx.request.stream) {
      const { value, provider } = await this.chain.stream(ctx, targets);
      return { kind: "stream", layer: this.name, provider, stream: value };
    }
    const { value, provider } = await this.chain.complete(ctx, targets);
    return { kind: "response", layer: this.name, provider, response: value };
  }
}
