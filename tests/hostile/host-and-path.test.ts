// Requests that are valid HTTP but unusual in where they point: short or missing Host headers (the
// gateway routes by path alone), malformed percent-encoding in a Gemini model path, and a client
// that stops sending its body (408, then the connection is closed). Written on raw sockets so
// nothing normalises them on the way.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestGateway } from "../helpers/gateway.ts";
import type { RunningGateway } from "../../src/server/server.ts";

let gateway: RunningGateway;

beforeAll(async () => {
  gateway = await startTestGateway({ ISARTOR__CACHE_MODE: "exact", ISARTOR__BODY_READ_TIMEOUT_SECS: "1" }, { provider: null, logSink: () => {} });
});
afterAll(() => gateway.stop());

interface RawReply {
  status: number;
  head: string;
  body: string;
  /** the server closed the connection (within the wait) */
  closed: boolean;
}

/** Writes the chunks (waiting `gapMs` between them) and collects one reply; waits up to waitMs for the server to close. */
function raw(chunks: string[], opts: { gapMs?: number; waitMs?: number } = {}): Promise<RawReply> {
  return new Promise((resolve) => {
    let text = "";
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      const [head = "", body = ""] = text.split("\r\n\r\n");
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), head, body, closed });
    };
    void Bun.connect({
      hostname: "127.0.0.1",
      port: gateway.port,
      socket: {
        async open(s) {
          for (const [i, c] of chunks.entries()) {
            if (i > 0) await Bun.sleep(opts.gapMs ?? 0);
            s.write(c);
          }
          setTimeout(() => {
            finish(false);
            s.end();
          }, opts.waitMs ?? 5000);
        },
        data(_s, chunk) {
          text += new TextDecoder().decode(chunk);
        },
        close: () => finish(true),
        error: () => finish(true),
      },
    });
  });
}

const body = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] });
const gemini = (host: string | undefined, path = "/v1beta/models/gemini-x:generateContent", version = "1.1") =>
  `POST ${path} HTTP/${version}\r\n${host === undefined ? "" : `Host: ${host}\r\n`}Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;

describe("routing is by path, whatever the Host", () => {
  // with no provider configured the chat routes answer 503 in the caller's shape: reaching it proves routing worked
  for (const host of ["llm", "x:1", "a", "isartor.svc.cluster.local:8080", "[::1]:80"]) {
    test(`Host '${host}' reaches the Gemini route`, async () => {
      const r = await raw([gemini(host)]);
      expect(r.status).toBe(503);
      expect(JSON.parse(r.body).error.status).toBeString();
    });
  }

  test("a short Host on a GET route works too", async () => {
    const r = await raw(["GET /healthz HTTP/1.1\r\nHost: llm\r\nConnection: close\r\n\r\n"]);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ status: "ok" });
  });
});

describe("a request without a Host", () => {
  for (const [label, request] of [
    ["HTTP/1.0 without Host", gemini(undefined, undefined, "1.0")],
    ["HTTP/1.1 with an empty Host", gemini("")],
    ["a GET without Host", "GET /health HTTP/1.0\r\n\r\n"],
    ["an OpenAI route without Host", `POST /v1/chat/completions HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`],
  ] as const) {
    test(`${label}: 400 naming the Host, never a 5xx`, async () => {
      const r = await raw([request]);
      expect(r.status).toBe(400);
      expect(r.body).toContain("Host");
    });
  }
  test("the Gemini one answers in Gemini's error shape", async () => {
    const r = await raw([gemini(undefined, undefined, "1.0")]);
    expect(JSON.parse(r.body).error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
  });
});

describe("malformed percent-encoding in a Gemini model path", () => {
  for (const path of ["/v1beta/models/%:generateContent", "/v1beta/models/%E0%A4%A:generateContent", "/v1beta/models/gemini%zz:streamGenerateContent?alt=sse"]) {
    test(`${path} → 400 in Gemini's shape`, async () => {
      const r = await raw([gemini("localhost", path)]);
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body).error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
    });
  }
});

describe("odd paths on every surface", () => {
  const paths = [
    "/v1/chat/completions%",
    "//v1/chat/completions",
    "/v1beta/models/%2e%2e%2fetc:generateContent",
    "/v1beta/models/:generateContent",
    "/v1beta/models/%00:generateContent",
    "/v1beta/%E0%A4%A",
    "/v1beta/models/x:generateContent?alt=%",
    "/v1/messages%ZZ",
    "/api/admin/%",
    "/%",
    "/health%",
  ];
  for (const path of paths) {
    for (const method of ["GET", "POST"]) {
      test(`${method} ${path} → 4xx with a JSON error`, async () => {
        const r = await raw([`${method} ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`]);
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(JSON.parse(r.body).error).toBeDefined();
      });
    }
  }
});

describe("a client that stops sending its body", () => {
  test("gets 408 with Connection: close, and the connection is closed", async () => {
    const start = `POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"model":`;
    const r = await raw([start], { waitMs: 6000 });
    expect(r.status).toBe(408);
    expect(r.head.toLowerCase()).toContain("connection: close");
    expect(r.closed).toBe(true);
  });

  test("bytes sent after the 408 get no second answer", async () => {
    const start = `POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"model":`;
    const more = `"m", "messages": []}\r\n\r\nGET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n`;
    const r = await raw([start, more], { gapMs: 2500, waitMs: 3000 });
    expect(r.status).toBe(408);
    expect(r.body).not.toContain('"status":"ok"');
    expect(r.closed).toBe(true);
  });
});
