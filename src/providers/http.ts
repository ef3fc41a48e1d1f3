// HTTP plumbing shared by provider clients: timeouts, upstream error mapping, SSE reading.
import { EventSourceParserStream, type EventSourceMessage } from "eventsource-parser/stream";
import { GatewayError, kindForStatus } from "../pipeline/errors.ts";

export interface UpstreamFetch {
  provider: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal;
  /** ms to wait for the response headers */
  timeoutMs: number;
}

export interface UpstreamResponse {
  response: Response;
  /** aborts the upstream request (used when the caller stops reading a stream) */
  abort: () => void;
}

/** POSTs JSON upstream; resolves once headers arrived with a 2xx, otherwise throws a GatewayError. */
export async function postUpstream(req: UpstreamFetch): Promise<UpstreamResponse> {
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
  const retryAfter = Number(response.headers.get("retry-after"));
  return new GatewayError(response.status, kindForStatus(response.status), `upstream ${provider} returned ${response.status}: ${message}`, {
    upstreamBody: body,
    ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSecs: retryAfter } : {}),
  });
}

export async function readJson(provider: string, response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError(502, "upstream", `upstream ${provider} sent a response that is not JSON`);
  }
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
