// The spans of one request: a root span (continuing the caller's W3C traceparent), one child per
// pipeline layer and, under the L3 layer, one child per upstream attempt. Every attribute value and
// error message passes through the redactor. Only built when tracing is on; the pipeline and the
// provider chain check `ctx.trace` and create nothing otherwise.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { toGatewayError } from "../pipeline/errors.ts";
import type { LayerName } from "../pipeline/types.ts";
import { ATTEMPT_SPAN, CACHE_INSERT_SPAN, LAYER_SPAN, ROOT_SPAN } from "./names.ts";
import type { RequestTrace, SpanAttrs, SpanHandle } from "./trace-types.ts";
import type { Redactor } from "./redact.ts";

const propagator = new W3CTraceContextPropagator();
const headerGetter = {
  keys: (h: Headers) => [...h.keys()],
  get: (h: Headers, key: string) => h.get(key) ?? undefined,
};

class RedactedSpan implements SpanHandle {
  constructor(
    readonly span: Span,
    private readonly redactor: Redactor,
  ) {}

  set(attrs: SpanAttrs): void {
    for (const [k, v] of Object.entries(attrs)) {
      if (v !== undefined) this.span.setAttribute(k, typeof v === "string" ? this.redactor.text(v) : v);
    }
  }

  fail(err: unknown): void {
    const e = toGatewayError(err);
    const message = this.redactor.text(e.message);
    this.span.setAttribute("error.type", e.kind);
    this.span.setAttribute("http.response.status_code", e.status);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message });
    this.span.addEvent("exception", { "exception.type": e.kind, "exception.message": message });
  }

  end(): void {
    this.span.end();
  }
}

export class OtelRequestTrace implements RequestTrace {
  readonly root: RedactedSpan;
  readonly traceId: string;
  private readonly rootContext: Context;
  private current: Context;

  constructor(
    private readonly tracer: Tracer,
    private readonly redactor: Redactor,
    request: Request,
    attrs: SpanAttrs,
  ) {
    const parent = propagator.extract(ROOT_CONTEXT, request.headers, headerGetter);
    this.root = new RedactedSpan(tracer.startSpan(ROOT_SPAN, { kind: SpanKind.SERVER }, parent), redactor);
    this.root.set(attrs);
    this.traceId = this.root.span.spanContext().traceId;
    this.rootContext = trace.setSpan(parent, this.root.span);
    this.current = this.rootContext;
  }

  layer(name: LayerName): SpanHandle {
    const span = this.tracer.startSpan(LAYER_SPAN[name], { kind: SpanKind.INTERNAL, attributes: { "isartor.layer": name } }, this.rootContext);
    this.current = trace.setSpan(this.rootContext, span);
    return new RedactedSpan(span, this.redactor);
  }

  attempt(provider: string, model: string, attempt: number): SpanHandle {
    const span = this.tracer.startSpan(ATTEMPT_SPAN, { kind: SpanKind.CLIENT }, this.current);
    const handle = new RedactedSpan(span, this.redactor);
    handle.set({ "isartor.provider": provider, "gen_ai.request.model": model, "isartor.attempt": attempt });
    return handle;
  }

  insert(name: LayerName): SpanHandle | undefined {
    const spanName = CACHE_INSERT_SPAN[name];
    return spanName ? new RedactedSpan(this.tracer.startSpan(spanName, { kind: SpanKind.INTERNAL }, this.rootContext), this.redactor) : undefined;
  }
}
