// HTTP plumbing shared by provider clients: timeouts, upstream error mapping, SSE reading.
import { EventSourceParserStream, type EventSourceMessage } from "eventsource-parser/stream";
import { GatewayError, kindForStatus } from "../pipeline/errors.ts";
import { bodyReadError, limitBody } from "./limited-body.ts";
import { assertReplyShape, type ReplyProtocol } from "./reply-shape.ts";
import { upstreamGate } from "./upstream-gate.ts";

export interface UpstreamFetch {
  provider: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal;
  /** ms to wait for the response headers, counted from when the request goes out (not while it queues) */
  timeoutMs: number;
  limits?: UpstreamCallOptions;
}

/** What the chain sets on every upstream call (ProviderCall.upstream). */
export interface UpstreamCallOptions {
  /** largest response body read (max_upstream_response_bytes); unlimited when absent */
  maxResponseBytes?: number;
  /** called when the request starts waiting for an upstream slot: that wait is not upstream time */
  onQueued?: () => void;
  /** called when the request leaves the gate for the network: upstream time starts here */
  onSent?: () => void;
}

export interface UpstreamResponse {
  response: Response;
  /** aborts the upstream request (used when the caller stops reading a stream) */
  abort: () => void;
}

/**
 * POSTs JSON upstream; resolves once headers arrived with a 2xx, otherwise throws a GatewayError. The
 * request first waits for a slot of the upstream gate; the slot is held until the body is consumed.
 */
export async function postUpstream(req: UpstreamFetch): Promise<UpstreamResponse> {
  let release: () => void;
  req.limits?.onQueued?.();
  try {
    release = await upstreamGate.acquire(req.signal);
  } catch (err) {
    // the request's own deadline (a GatewayError) or the caller going away ended the wait
    throw err instanceof GatewayError ? err : new GatewayError(499, "upstream", "client closed the request");
  }
  req.limits?.onSent?.();
  try {
    return await sendUpstream(req, release);
  } catch (err) {
    release();
    throw err;
  }
}

async function sendUpstream(req: UpstreamFetch, release: () => void): Promise<UpstreamResponse> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(req.signal.reason);
  if (req.signal.aborted) onAbort();
  req.signal.addEventListener("abort", onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, req.timeoutMs);
  let response: Response;
  try {
    response = await fetch(req.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...req.headers },
      body: JSON.stringify(req.body),
      signal: controller.signal,
    });
  } catch (err) {
    req.signal.removeEventListener("abort", onAbort);
    if (timedOut) throw new GatewayError(504, "timeout", `upstream ${req.provider} did not answer within ${req.timeoutMs} ms`);
    if (req.signal.aborted) throw new GatewayError(499, "upstream", "client closed the request");
    throw new GatewayError(502, "upstream", `cannot reach upstream ${req.provider}: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  try {
    // once the body is consumed (or fails, or is cancelled) the request is over: free its slot and stop
    // listening to the caller's signal, which would otherwise keep this request's objects reachable
    const finished = () => {
      req.signal.removeEventListener("abort", onAbort);
      release();
    };
    const maxBytes = req.limits?.maxResponseBytes ?? Number.POSITIVE_INFINITY;
    response = isWholeBody(response, maxBytes) ? await readWhole(response, req.provider, finished) : limitBody(response, req.provider, maxBytes, finished);
  } catch (err) {
    req.signal.removeEventListener("abort", onAbort);
    throw err;
  }
  if (!response.ok) {
    req.signal.removeEventListener("abort", onAbort);
    throw await upstreamError(req.provider, response);
  }
  return {
    response,
    abort: () => {
      req.signal.removeEventListener("abort", onAbort);
      controller.abort();
    },
  };
}

/** A JSON answer of a declared, allowed length: read in one native call rather than through a counting stream. */
function isWholeBody(response: Response, maxBytes: number): boolean {
  const declared = Number(response.headers.get("content-length") ?? NaN);
  return Number.isFinite(declared) && declared <= maxBytes && !(response.headers.get("content-type") ?? "").includes("text/event-stream");
}

async function readWhole(response: Response, provider: string, done: () => void): Promise<Response> {
  try {
    const bytes = await response.arrayBuffer();
    return new Response(bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
  } catch (err) {
    throw bodyReadError(provider, err);
  } finally {
    done();
  }
}

export async function upstreamError(provider: string, response: Response): Promise<GatewayError> {
  const text = await response.text().catch(() => "");
  let body: unknown = text;
  let message = text.slice(0, 500) || response.statusText;
  try {
    body = JSON.parse(text);
    const e = (body as { error?: unknown }).error;
    if (typeof e === "string") message = e;
    else if (e && typeof (e as { message?: unknown }).message === "string") message = (e as { message: string }).message;
  } catch {
    // not JSON: keep the text
  }
  const retryAfter = retryAfterSecs(response.headers.get("retry-after"));
  return new GatewayError(response.status, kindForStatus(response.status), `upstream ${provider} returned ${response.status}: ${message}`, {
    upstreamBody: body,
    ...(retryAfter !== undefined ? { retryAfterSecs: retryAfter } : {}),
  });
}

/** Retry-After as seconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSecs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs)) return secs >= 0 ? secs : undefined;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : undefined;
}

/**
 * The whole body as JSON. A connection that breaks mid-body is a 502 upstream error (retried like
 * any); with `protocol`, a JSON body of the wrong shape is one too (see reply-shape.ts).
 */
export async function readJson(provider: string, response: Response, protocol?: ReplyProtocol): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (err) {
    throw bodyReadError(provider, err);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new GatewayError(502, "upstream", `upstream ${provider} sent a response that is not JSON`);
  }
  if (protocol) assertReplyShape(provider, protocol, json);
  return json;
}

/**
 * Server-sent events of an upstream response, each as soon as it arrives. An idle gap longer than
 * idleMs ends the stream with a timeout error.
 */
export async function* sseEvents(up: UpstreamResponse, provider: string, idleMs: number): AsyncGenerator<EventSourceMessage> {
  const body = up.response.body;
  if (!body) return;
  const reader = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
  try {
    while (true) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new GatewayError(504, "timeout", `upstream ${provider} stream stalled for ${idleMs} ms`)), idleMs);
      });
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await Promise.race([reader.read(), idle]);
      } catch (err) {
        if (err instanceof GatewayError) throw err;
        throw new GatewayError(502, "upstream", `upstream ${provider} stream broke: ${(err as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    up.abort();
    reader.cancel().catch(() => {});
  }
}
