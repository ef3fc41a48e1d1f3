// An upstream that declares a Content-Length and closes before sending it all: the non-streamed
// answer is a 502 in the caller's format, the next request goes upstream again (nothing cached).
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";

let upstream: import("bun").TCPSocketListener<undefined>;
let gateway: RunningGateway;
let calls = 0;

beforeAll(async () => {
  upstream = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data(socket, data) {
        if (!data.toString().startsWith("POST")) {
          socket.end("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
          return;
        }
        calls++;
        const partial = '{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"cut';
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\nconnection: close\r\n\r\n${partial}`);
        socket.flush();
        setTimeout(() => socket.end(), 20);
      },
    },
  });
  gateway = await startTestGateway({ ISARTOR__EXTERNAL_LLM_BASE_URL: `http://127.0.0.1:${upstream.port}/v1`, ISARTOR__CACHE_MODE: "exact", ISARTOR__RETRY__MAX_RETRIES: "0" });
});
afterAll(async () => {
  await gateway.stop();
  upstream.stop(true);
});

const ask = () =>
  fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "truncated?" }] }) });

test("a body shorter than its Content-Length is a 502 JSON error, never cached", async () => {
  const first = await ask();
  expect(first.status).toBe(502);
  const body = (await first.json()) as { error: { message: string } };
  expect(typeof body.error.message).toBe("string");
  const second = await ask();
  expect(second.status).toBe(502);
  await second.text();
  expect(calls).toBe(2);
});
