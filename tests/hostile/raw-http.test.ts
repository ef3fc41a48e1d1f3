// Requests no well-behaved client library would send, written byte by byte on a socket: header
// injection, obs-fold, conflicting lengths, oversized headers, invalid UTF-8 in headers. The gateway
// must refuse each with a 4xx (or close the connection), never a 5xx, and keep serving.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";

const KEY = "raw-gateway-key-0123456789";
let gateway: RunningGateway;
beforeAll(async () => {
  gateway = await startTestGateway({ ISARTOR__GATEWAY_API_KEY: KEY, ISARTOR__CACHE_MODE: "exact" }, { logSink: () => {} });
});
afterAll(() => gateway.stop());

/** Sends raw bytes and returns the status line's code, or 0 if the server closed without answering. */
function rawRequest(bytes: Uint8Array): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    let text = "";
    const done = () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    Bun.connect({
      hostname: "127.0.0.1",
      port: gateway.port,
      socket: {
        open(s) {
          s.write(bytes);
          s.flush();
        },
        data(s, chunk) {
          text += new TextDecoder().decode(chunk);
          if (/\r\n\r\n/.test(text)) s.end();
        },
        close: done,
        error: done,
        timeout: (s) => void s.end(),
      },
    }).then((s) => s.timeout(10));
  });
}

const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] });
const enc = (s: string) => new TextEncoder().encode(s);
const req = (headers: string, b = body) =>
  enc(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${KEY}\r\n${headers}Content-Length: ${b.length}\r\n\r\n${b}`);

const CASES: [string, Uint8Array][] = [
  ["CR/LF smuggled into a header value", enc(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Isartor-Cache: bypass\rX-Evil: 1\r\nContent-Length: 2\r\n\r\n{}`)],
  ["obs-fold continuation line", req("X-Isartor-Cache: bypass\r\n X-Evil: folded\r\n")],
  ["two conflicting Content-Length headers", enc(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}`)],
  ["Content-Length and chunked together", enc(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`)],
  ["non-numeric Content-Length", enc(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}`)],
  ["negative Content-Length", enc(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{}`)],
  ["header larger than any sane limit", req(`X-Big: ${"a".repeat(96 * 1024)}\r\n`)],
  ["invalid UTF-8 in a header value", new Uint8Array([...enc("POST /v1/chat/completions HTTP/1.1\r\nX-Bad: "), 0xff, 0xfe, 0xc0, ...req("").slice(36)])],
  ["key with a newline tail", enc(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\nX-Evil: 1\r\nContent-Length: ${body.length}\r\n\r\n${body}`)],
];

// A request line Bun's HTTP parser cannot read is answered by the runtime itself with 505 before any
// gateway code runs; that is the one 5xx allowed here, and only for these.
const BROKEN_REQUEST_LINE: [string, Uint8Array][] = [
  ["NUL in the request target", enc(`POST /v1/chat/\u0000completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}`)],
  ["request line without a version", enc(`POST /v1/chat/completions\r\nHost: x\r\n\r\n`)],
];

for (const [name, bytes] of BROKEN_REQUEST_LINE) {
  test(`${name}: refused by the HTTP parser, gateway unaffected`, async () => {
    const { status } = await rawRequest(bytes);
    expect([0, 400, 505]).toContain(status);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  });
}

for (const [name, bytes] of CASES) {
  test(`${name}: refused without a 5xx`, async () => {
    const { status, text } = await rawRequest(bytes);
    if (status !== 0) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }
    expect(text.toLowerCase()).not.toContain("x-evil");
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  });
}
