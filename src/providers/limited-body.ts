// The body of an upstream response as the gateway reads it: never more than max_upstream_response_bytes
// (a declared Content-Length above it is refused before a byte is read; a stream counts every byte), a
// connection that breaks mid-body becomes a 502 upstream error, and `done` runs exactly once when the
// body ends, fails or is cancelled (it frees the upstream slot).
import { GatewayError } from "../pipeline/errors.ts";

export function tooLargeError(provider: string, limit: number): GatewayError {
  return new GatewayError(502, "upstream", `upstream ${provider} sent a response larger than ${limit} bytes (max_upstream_response_bytes)`, {
    code: "upstream_response_too_large",
  });
}

/** A body read that failed: a GatewayError (the request's own abort reason) as it is, anything else a 502. */
export function bodyReadError(provider: string, err: unknown): GatewayError {
  return err instanceof GatewayError ? err : new GatewayError(502, "upstream", `upstream ${provider} connection broke mid-response: ${(err as Error)?.message ?? err}`);
}

export function limitBody(response: Response, provider: string, maxBytes: number, done: () => void): Response {
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.body?.cancel().catch(() => {});
    done();
    throw tooLargeError(provider, maxBytes);
  }
  const source = response.body;
  if (!source) {
    done();
    return response;
  }
  const reader = source.getReader();
  let total = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (err) {
        done();
        controller.error(bodyReadError(provider, err));
        return;
      }
      if (next.done) {
        done();
        controller.close();
        return;
      }
      total += next.value.byteLength;
      if (total > maxBytes) {
        done();
        reader.cancel().catch(() => {});
        controller.error(tooLargeError(provider, maxBytes));
        return;
      }
      controller.enqueue(next.value);
    },
    cancel(reason) {
      done();
      return reader.cancel(reason).catch(() => {});
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
