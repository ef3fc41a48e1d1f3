// Reads a request body as JSON under a byte limit: 413 above it, 400 for anything not JSON.
import { GatewayError, invalidRequest } from "../pipeline/errors.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });

export async function readJsonBody(request: Request, limitBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  // With a trustworthy Content-Length (already checked) one arrayBuffer() read is much cheaper than
  // iterating the body stream; chunked bodies are read incrementally so the limit holds mid-stream.
  const bytes = Number.isFinite(declared) ? new Uint8Array(await request.arrayBuffer()) : await readLimited(request, limitBytes);
  if (bytes.length > limitBytes) throw tooLarge(limitBytes);
  if (bytes.length === 0) throw invalidRequest("request body is empty; expected a JSON object", "body");
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw invalidRequest("request body is not valid UTF-8", "body");
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalidRequest(`request body is not valid JSON: ${(err as Error).message}`, "body");
  }
}

async function readLimited(request: Request, limitBytes: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array();
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const part of request.body as unknown as AsyncIterable<Uint8Array>) {
    total += part.byteLength;
    if (total > limitBytes) throw tooLarge(limitBytes);
    parts.push(part);
  }
  return Buffer.concat(parts);
}

const tooLarge = (limit: number) =>
  new GatewayError(413, "payload_too_large", `request body exceeds the limit of ${limit} bytes (max_body_bytes)`);
