// Runs the layers in order; the first that answers wins. Completed answers are offered back to the
// layers before it (the caches), streams through a tee that assembles the response as it passes.
import { ResponseAssembler } from "./assemble.ts";
import type { Answer, Layer, RequestContext } from "./context.ts";
import { GatewayError } from "./errors.ts";
import { estimateTokens } from "./tokens.ts";
import { isUsableAnswer } from "./usable-answer.ts";
import type { ChatResponse, ChatStream, LayerName, StreamChunk } from "./types.ts";
import { layerSpanAttributes } from "../telemetry/trace-types.ts";

export interface PipelineObserver {
  layerFailed?(layer: LayerName, err: unknown, ctx: RequestContext): void;
  answered?(answer: Answer, ctx: RequestContext): void;
  /** a layer's handle() returned or threw after `ms` milliseconds */
  layerDone?(layer: LayerName, ms: number, answer: Answer | undefined, ctx: RequestContext): void;
  /** a completed answer was offered to this (cache) layer and taken without error */
  remembered?(layer: LayerName, ctx: RequestContext): void;
}

export class Pipeline {
  constructor(
    readonly layers: Layer[],
    private readonly observer: PipelineObserver = {},
  ) {}

  async run(ctx: RequestContext): Promise<Answer> {
    for (let i = 0; i < this.layers.length; i++) {
      const layer = this.layers[i]!;
      if (ctx.skip.has(layer.name)) continue;
      const started = performance.now();
      let answer: Answer | undefined;
      const span = ctx.trace?.layer(layer.name);
      try {
        answer = await layer.handle(ctx);
      } catch (err) {
        span?.fail(err);
        if (!layer.failOpen || ctx.signal.aborted) throw err;
        this.observer.layerFailed?.(layer.name, err, ctx);
      } finally {
        const ms = performance.now() - started;
        ctx.timings[layer.name] = (ctx.timings[layer.name] ?? 0) + ms;
        this.observer.layerDone?.(layer.name, ms, answer, ctx);
        if (span) {
          span.set(layerSpanAttributes(layer.name, answer, ctx));
          span.end();
        }
      }
      if (!answer) continue;
      const earlier = this.layers.slice(0, i).filter((l) => l.remember);
      this.observer.answered?.(answer, ctx);
      if (answer.kind === "response") {
        await this.offer(earlier, ctx, answer.response, answer.layer);
        return answer;
      }
      return { ...answer, stream: this.tee(answer.stream, earlier, ctx, answer.layer) };
    }
    throw new GatewayError(503, "unavailable", "no layer could answer this request");
  }

  private async offer(layers: Layer[], ctx: RequestContext, response: ChatResponse, from: LayerName) {
    if (!isUsableAnswer(ctx.request, response)) return;
    for (const layer of layers) {
      const span = ctx.trace?.insert(layer.name);
      try {
        await layer.remember!(ctx, response, from);
        this.observer.remembered?.(layer.name, ctx);
      } catch (err) {
        span?.fail(err);
        this.observer.layerFailed?.(layer.name, err, ctx);
      } finally {
        span?.end();
      }
    }
  }

  private async *tee(stream: ChatStream, layers: Layer[], ctx: RequestContext, from: LayerName): AsyncGenerator<StreamChunk> {
    const assembler = new ResponseAssembler();
    for await (const chunk of stream) {
      for (const event of chunk.events) assembler.add(event);
      yield chunk;
    }
    if (ctx.signal.aborted || layers.length === 0) return;
    const response = assembler.result(estimateTokens);
    if (response) await this.offer(layers, ctx, response, from);
  }
}
