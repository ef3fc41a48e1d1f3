// One chat request as telemetry sees it, from arrival to the last byte: the root span (when
// tracing), then at finish() the request counter, duration histogram, error counter and the
// request-log line. Streams are tapped for their token usage (and text, with include_bodies).
import type { RequestContext } from "../pipeline/context.ts";
import { GatewayError, kindForStatus } from "../pipeline/errors.ts";
import type { ChatStream, LayerName, StreamChunk } from "../pipeline/types.ts";
import { finalLayerName } from "./names.ts";
import { isoTime } from "../pipeline/ids.ts";
import type { RequestLogRecord } from "./request-log.ts";
import type { RequestTrace } from "./trace-types.ts";
import type { GatewayTelemetry } from "./telemetry.ts";

export interface RequestOutcome {
  status: number;
  /** the layer that answered; undefined when the request failed */
  layer?: string;
  provider?: string;
  stream?: boolean;
  principal?: { id: string; tenant: string };
  error?: string;
  /** GatewayError kind of a failed request */
  errorKind?: string;
  tokensIn?: number;
  tokensOut?: number;
}

const NO_FIELDS = {};

/** most characters of a streamed answer kept for the request log */
const MAX_LOGGED_TEXT = 64 * 1024;

export class RequestObservation {
  private readonly started = performance.now();
  private ctx: RequestContext | undefined;
  private body: unknown;
  private responseBody: unknown;
  private streamText = "";
  private streamTokens: { in: number; out: number } | undefined;

  constructor(
    private readonly telemetry: GatewayTelemetry,
    private readonly request: Request,
    private readonly path: string,
    readonly id: string,
    private readonly format: string,
    readonly trace: RequestTrace | undefined,
  ) {}

  private get bodies(): boolean {
    return this.telemetry.requestLog?.includeBodies === true;
  }

  /** the pipeline context, once there is one: model and the layers that ran */
  watch(ctx: RequestContext): void {
    this.ctx = ctx;
  }

  requestBody(body: unknown): void {
    if (this.bodies) this.body = body;
  }

  response(body: unknown): void {
    if (this.bodies) this.responseBody = body;
  }

  /** passes the stream on unchanged, noting its usage (and text, when bodies are logged) */
  async *tap(stream: ChatStream): AsyncGenerator<StreamChunk> {
    for await (const chunk of stream) {
      for (const e of chunk.events) {
        if (e.type === "finish" && e.usage) this.streamTokens = { in: e.usage.inputTokens, out: e.usage.outputTokens };
        else if (e.type === "text" && this.bodies && this.streamText.length < MAX_LOGGED_TEXT) this.streamText += e.text;
      }
      yield chunk;
    }
  }

  /** the layer a failed request failed in: the last one that ran (L3 never fails open) */
  private failedIn(): LayerName | undefined {
    const ran = Object.keys(this.ctx?.timings ?? {}) as LayerName[];
    return ran[ran.length - 1];
  }

  private layerOf(outcome: RequestOutcome): LayerName | undefined {
    return (outcome.layer as LayerName | undefined) ?? (outcome.status >= 500 ? this.failedIn() : undefined);
  }

  /** with monitoring on, the gateway's request log line carries isartor.final_layer and the trace id (seed 003: jq '.isartor.final_layer') */
  logFields(outcome: RequestOutcome): { isartor?: { final_layer: string; trace_id: string } } {
    return this.trace ? { isartor: { final_layer: finalLayerName(this.layerOf(outcome)), trace_id: this.trace.traceId } } : NO_FIELDS;
  }

  finish(outcome: RequestOutcome): void {
    const seconds = (performance.now() - this.started) / 1000;
    const layer = this.layerOf(outcome);
    const finalLayer = finalLayerName(layer);
    const t = this.telemetry;
    t.metrics.request(finalLayer, outcome.status, seconds);
    if (outcome.status >= 500) t.metrics.error(finalLayer, outcome.errorKind ?? "internal");
    const tokensIn = this.streamTokens?.in ?? outcome.tokensIn;
    const tokensOut = this.streamTokens?.out ?? outcome.tokensOut;

    if (this.trace) {
      const root = this.trace.root;
      root.set({
        "http.response.status_code": outcome.status,
        "isartor.final_layer": finalLayer,
        "isartor.cache.hit": layer === "l1a" || layer === "l1b",
        "isartor.provider": outcome.provider,
        "isartor.stream": outcome.stream,
        "isartor.tenant": outcome.principal?.tenant,
        "gen_ai.request.model": this.ctx?.model,
        "isartor.tokens.input": tokensIn,
        "isartor.tokens.output": tokensOut,
      });
      if (outcome.status >= 400) root.fail(new GatewayError(outcome.status, kindForStatus(outcome.status), outcome.error ?? `HTTP ${outcome.status}`));
      root.end();
    }

    const log = t.requestLog;
    if (!log) return;
    // optional fields assigned one by one: spreads of small objects cost more per request
    const record: RequestLogRecord = {
      ts: isoTime(),
      id: this.id,
      method: this.request.method,
      path: this.path,
      format: this.format,
      status: outcome.status,
      layer: layer ?? "l0",
      final_layer: finalLayer,
      deflected: layer !== undefined && layer !== "l3",
      duration_ms: Math.round(seconds * 1000 * 10) / 10,
    };
    if (outcome.provider) record.provider = outcome.provider;
    if (this.ctx) record.model = this.ctx.model;
    if (outcome.stream !== undefined) record.stream = outcome.stream;
    if (outcome.principal) {
      record.key_id = outcome.principal.id;
      record.tenant = outcome.principal.tenant;
    }
    if (tokensIn !== undefined) {
      record.tokens_in = tokensIn;
      record.tokens_out = tokensOut ?? 0;
    }
    if (this.trace) record.trace_id = this.trace.traceId;
    if (outcome.error) record.error = outcome.error;
    if (this.bodies) {
      record.request = { headers: Object.fromEntries(this.request.headers.entries()), body: this.body };
      record.response = outcome.stream ? { text: this.streamText } : { body: this.responseBody };
    }
    log.write(record);
  }
}
