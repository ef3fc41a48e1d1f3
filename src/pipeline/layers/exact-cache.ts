// L1a: answers a request identical (in its whole scoped context) to one answered before.
import { exactKey } from "../../cache/keys.ts";
import type { ExactStore } from "../../cache/exact-store.ts";
import type { Answer, Layer, RequestContext } from "../context.ts";
import { localAnswer } from "./local-answer.ts";
import type { ChatResponse } from "../types.ts";

export function isCacheable(ctx: RequestContext): boolean {
  return (ctx.request.params.n ?? 1) <= 1;
}

export class ExactCacheLayer implements Layer {
  readonly name = "l1a" as const;
  readonly failOpen = true;

  /** the key is computed on lookup and reused when the answer comes back to be stored */
  private readonly keys = new WeakMap<RequestContext, string>();

  constructor(private readonly store: ExactStore) {}

  private key(ctx: RequestContext): string {
    let key = this.keys.get(ctx);
    if (!key) this.keys.set(ctx, (key = exactKey(ctx.tenant, ctx.model, ctx.request)));
    return key;
  }

  async handle(ctx: RequestContext): Promise<Answer | undefined> {
    if (!ctx.cache.lookup || !isCacheable(ctx)) return undefined;
    const hit = await this.store.get(this.key(ctx));
    if (!hit) return undefined;
    return { kind: "response", layer: this.name, response: localAnswer(ctx, hit) };
  }

  async remember(ctx: RequestContext, response: ChatResponse) {
    if (!ctx.cache.store || !isCacheable(ctx)) return;
    await this.store.set(this.key(ctx), response);
  }
}
