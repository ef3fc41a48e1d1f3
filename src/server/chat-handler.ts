// The one handler behind every chat route: body → format.parse → pipeline → format.render(Stream).
import type { WireFormat, ParseOptions, RenderMeta } from "../formats/format.ts";
import { cacheDirectives, type Answer, type RequestContext } from "../pipeline/context.ts";
import { GatewayError, toGatewayError } from "../pipeline/errors.ts";
import { newId } from "../pipeline/ids.ts";
import { ResponseAssembler } from "../pipeline/assemble.ts";
import { replayStream } from "../pipeline/replay.ts";
import { estimateTokens } from "../pipeline/tokens.ts";
import type { ChatStream, StreamChunk } from "../pipeline/types.ts";
import type { Principal } from "../guard/key-ring.ts";
import type { Redactor } from "../telemetry/redact.ts";
import { requestLineLevel } from "../telemetry/logger.ts";
import type { GatewayServices } from "./services.ts";
import { requestPath, requestSearch } from "./request-target.ts";
import { streamBody } from "./stream-response.ts";

export function errorResponse(format: WireFormat, err: unknown, headers: Record<string, string> = {}): Response {
  const e = toGatewayError(err);
  const h: Record<string, string> = { "content-type": "application/json", ...headers };
  if (e.extra.retryAfterSecs !== undefined) h["retry-after"] = String(Math.ceil(e.extra.retryAfterSecs));
  // a body that did not arrive in time leaves the connection mid-request: close it rather than read on
  if (e.status === 408) h.connection = "close";
  const status = e.status >= 400 && e.status <= 599 ? e.status : 502;
  return new Response(JSON.stringify(format.renderError(e)), { status, headers: h });
}

function isolationHeaders(answer: Answer): Record<string, string> {
  return {
    "x-isartor-layer": answer.layer,
    "x-isartor-deflected": String(answer.layer !== "l3"),
    "x-isartor-provider": answer.provider ?? "isartor",
  };
}

/**
 * Errors thrown mid-stream become an error event, so the caller's renderer can close the stream properly.
 * Error messages are scrubbed of secrets (upstreams echo keys); a raw error frame is dropped so the
 * scrubbed canonical error is rendered in its place.
 */
async function* guarded(stream: ChatStream, redactor: Redactor): AsyncGenerator<StreamChunk> {
  try {
    for await (const chunk of stream) {
      if (!chunk.events.some((e) => e.type === "error")) {
        yield chunk;
        continue;
      }
      yield { events: chunk.events.map((e) => (e.type === "error" ? { ...e, message: redactor.text(e.message) } : e)) };
    }
  } catch (err) {
    const e = toGatewayError(err);
    yield { events: [{ type: "error", status: e.status, errorType: e.kind, message: redactor.text(e.message) }] };
  }
}

/**
 * The request's abort signal, made on first use: aborted when the client goes away or
 * request_timeout_secs after `started`. An answer from memory (an L1a hit) never asks for it, and
 * then no controller, listener or timer is made for the request.
 */
function lazyAbortSignal(request: Request, timeoutMs: number, started: number) {
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onClientAbort = () => controller!.abort(new GatewayError(499, "upstream", "client closed the request"));
  const timedOut = () => controller!.abort(new GatewayError(504, "timeout", "request took longer than request_timeout_secs"));
  return {
    get signal(): AbortSignal {
      if (controller) return controller.signal;
      controller = new AbortController();
      if (request.signal.aborted) onClientAbort();
      else request.signal.addEventListener("abort", onClientAbort, { once: true });
      const left = timeoutMs - (performance.now() - started);
      if (left <= 0) timedOut();
      else timer = setTimeout(timedOut, left);
      return controller.signal;
    },
    release() {
      if (!controller) return;
      clearTimeout(timer);
      request.signal.removeEventListener("abort", onClientAbort);
    },
  };
}

export async function handleChat(services: GatewayServices, format: WireFormat, request: Request, parseOpts: ParseOptions = {}): Promise<Response> {
  const done = services.track();
  let streaming = false;
  const started = performance.now();
  const abort = lazyAbortSignal(request, services.config.request_timeout_secs * 1000, started);
  const rt = services.runtime;
  const requestId = newId("req_");
  const path = requestPath(request);
  const log: { status: number; principal?: Principal; layer?: string; provider?: string; stream?: boolean; error?: string; errorKind?: string; tokensIn?: number; tokensOut?: number } = { status: 200 };
  // metrics, spans and the request log line for this request
  const obs = services.telemetry.begin(request, path, requestId, format.name);
  const cleanup = () => {
    abort.release();
    done();
    const duration = Math.round(performance.now() - started);
    // the request log file has every request; stderr gets a line each with monitoring on (seed 003) or at debug
    const level = requestLineLevel(services.telemetry.tracingEnabled);
    if (rt.logger.enabled(level)) {
      rt.logger.log(level, "request", {
        id: requestId,
        method: request.method,
        path,
        format: format.name,
        status: log.status,
        key_id: log.principal?.id,
        tenant: log.principal?.tenant,
        layer: log.layer,
        provider: log.provider,
        stream: log.stream,
        duration_ms: duration,
        ...(log.error ? { error: log.error } : {}),
        ...obs.logFields(log),
      });
    }
    // the dashboard's request log and per-layer counts (redacted, bounded)
    rt.recent.record({
      id: requestId, method: request.method, path, format: format.name, status: log.status,
      key_id: log.principal?.id, tenant: log.principal?.tenant, layer: log.layer, provider: log.provider, stream: log.stream,
      duration_ms: duration, ...(log.error ? { error: log.error } : {}),
    });
    obs.finish(log);
  };
  try {
    // L0 before a byte of the body is read: who is calling, and may they.
    const principal = (log.principal = rt.guard.admit(request.headers));
    const body = await rt.guard.readBody(request);
    obs.requestBody(body);
    const chat = format.parse(body, { ...parseOpts, tenant: principal.tenant, headers: request.headers });
    rt.guard.admitTokens(principal, chat);
    log.stream = chat.stream;
    const ctx: RequestContext = {
      id: requestId,
      request: chat,
      format: format.name,
      model: services.providers.router.resolve(chat.model),
      tenant: principal.tenant,
      headers: request.headers,
      search: requestSearch(request),
      get signal() {
        return abort.signal;
      },
      cache: cacheDirectives(request.headers),
      timings: {},
      responseHeaders: {},
      skip: new Set(),
      trace: obs.trace,
    };
    obs.watch(ctx);
    const answer = await services.pipeline.run(ctx);
    const meta: RenderMeta = { layer: answer.layer, provider: answer.provider };
    log.layer = answer.layer;
    log.provider = answer.provider;
    const headers = { ...isolationHeaders(answer), ...ctx.responseHeaders, "x-request-id": ctx.id };

    if (chat.stream) {
      const chunks = obs.tap(answer.kind === "stream" ? answer.stream : replayStream(answer.response));
      streaming = true;
      return new Response(streamBody(format.renderStream(guarded(rt.guard.meterStream(principal, chunks), rt.redactor), chat, meta), cleanup), {
        headers: { ...headers, "content-type": format.streamContentType(chat), "cache-control": "no-cache", connection: "keep-alive" },
      });
    }
    const response = answer.kind === "response" ? answer.response : await collect(answer.stream);
    rt.guard.chargeOutput(principal, response.usage.outputTokens);
    log.tokensIn = response.usage.inputTokens;
    log.tokensOut = response.usage.outputTokens;
    const rendered = format.render(response, chat, meta);
    obs.response(rendered);
    return Response.json(rendered, { headers });
  } catch (err) {
    // upstream errors can echo a provider key ("Incorrect API key provided: sk-…"): scrub before it leaves
    const raw = toGatewayError(err);
    const e = new GatewayError(raw.status, raw.kind, rt.redactor.text(raw.message), rt.redactor.value(raw.extra) as typeof raw.extra);
    log.status = e.status;
    log.error = e.message;
    log.errorKind = e.kind;
    return errorResponse(format, e, { "x-request-id": requestId });
  } finally {
    if (!streaming) cleanup();
  }
}

async function collect(stream: ChatStream) {
  const assembler = new ResponseAssembler();
  for await (const chunk of stream) {
    for (const e of chunk.events) {
      if (e.type === "error") throw new GatewayError(e.status, "upstream", e.message);
      assembler.add(e);
    }
  }
  const res = assembler.result(estimateTokens);
  if (!res) throw new GatewayError(502, "upstream", "upstream stream ended before the answer was complete");
  return res;
}
