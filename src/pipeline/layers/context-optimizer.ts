// L2.5: shrinks what goes upstream (log crunch, minify, in-request dedup). It never rewrites
// ctx.request — cache keys and remember() use the request as the caller sent it — but leaves the
// smaller copy in ctx.upstreamRequest for L3. Opt out per request with `x-isartor-optimize: off`.
import type { Config } from "../../config/types.ts";
import { StageMemo } from "../../optimizer/memo.ts";
import { optimizeRequest, type OptimizerOptions } from "../../optimizer/optimize.ts";
import { rewriteSourceBody } from "../../optimizer/source-rewrite.ts";
import { OptimizerStats } from "../../optimizer/stats.ts";
import type { Layer, RequestContext } from "../context.ts";

export const OPT_OUT_HEADER = "x-isartor-optimize";
export const RESULT_HEADER = "x-isartor-context-optimized";
export const SAVED_HEADER = "x-isartor-context-tokens-saved";

export function optimizerOptions(config: Config): OptimizerOptions {
  const c = config.context_optimizer;
  return { dedup: c.dedup, logCrunch: c.log_crunch, minify: c.minify, minBlockChars: c.min_block_chars, maxLogLines: c.max_log_lines, minRequestChars: c.min_request_chars };
}

function textLength(req: RequestContext["request"]): number {
  let n = 0;
  for (const p of req.system) if (p.type === "text") n += p.text.length;
  for (const m of req.messages) for (const p of m.content) if (p.type === "text") n += p.text.length;
  return n;
}

export class ContextOptimizerLayer implements Layer {
  readonly name = "l2.5" as const;
  readonly failOpen = true;
  readonly stats = new OptimizerStats();
  private readonly memo = new StageMemo({ maxEntries: 2048, ttlMs: 30 * 60_000 });

  constructor(private readonly options: OptimizerOptions) {}

  async handle(ctx: RequestContext): Promise<undefined> {
    this.stats.requests++;
    if (/^(off|false|0|no)$/i.test(ctx.headers.get(OPT_OUT_HEADER)?.trim() ?? "")) {
      this.stats.optedOut++;
      ctx.responseHeaders[RESULT_HEADER] = "off";
      return undefined;
    }
    if (textLength(ctx.request) < this.options.minRequestChars) {
      ctx.responseHeaders[RESULT_HEADER] = "false";
      return undefined;
    }
    const result = optimizeRequest(ctx.request, this.options, this.memo);
    const total = result.saved.dedup + result.saved.log_crunch + result.saved.minify;
    const changed = result.slots.some((s) => s.after !== s.before);
    if (!changed) {
      ctx.responseHeaders[RESULT_HEADER] = "false";
      return undefined;
    }
    const body = rewriteSourceBody(ctx.request.source.body, result.slots);
    if (body === undefined) {
      this.stats.abandoned++;
      ctx.responseHeaders[RESULT_HEADER] = "false";
      return undefined;
    }
    ctx.upstreamRequest = { ...result.request, source: { ...ctx.request.source, body } };
    this.stats.optimized++;
    for (const k of ["dedup", "log_crunch", "minify"] as const) this.stats.tokensSaved[k] += result.saved[k];
    ctx.responseHeaders[RESULT_HEADER] = "true";
    ctx.responseHeaders[SAVED_HEADER] = String(total);
    return undefined;
  }
}
