// Upstream bodies that do not arrive as declared (a Content-Length the connection never delivers): a body
// cut short is a 502 in the caller's format and is never cached; a body that stalls past
// request_timeout_secs is that timeout (504), not a broken connection.
import { afterAll, expect, test } from "bun:test";
import { startTestGateway } from "../helpers/gateway.ts";

const PARTIAL = '{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"cut';

/** A raw HTTP upstream: every POST gets 200 with Content-Length 500 and only PARTIAL; `close` ends the connection after it. */
function shortBodyUpstream(close: boolean) {
  const counts = { posts: 0 };
  const listener = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data(socket, data) {
        if (!data.toString().startsWith("POST")) {
          socket.end("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
          return;
        }
        counts.posts++;
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\nconnection: close\r\n\r\n${PARTIAL}`);
        socket.flush();
        if (close) setTimeout(() => socket.end(), 20);
      },
    },
  });
  return { url: `http://127.0.0.1:${listener.port}/v1`, counts, stop: () => listener.stop(true) };
}

const upstreams: ReturnType<typeof shortBodyUpstream>[] = [];
afterAll(() => upstreams.forEach((u) => u.stop()));

const ask = (url: string) =>
  fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "truncated?" }] }) });

test("a body shorter than its Content-Length is a 502 JSON error, never cached", async () => {
  const upstream = shortBodyUpstream(true);
  upstreams.push(upstream);
  const gateway = await startTestGateway({ ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url, ISARTOR__CACHE_MODE: "exact", ISARTOR__RETRY__MAX_RETRIES: "0" });
  try {
    const first = await ask(gateway.url);
    expect(first.status).toBe(502);
    const body = (await first.json()) as { error: { message: string } };
    expect(typeof body.error.message).toBe("string");
    const second = await ask(gateway.url);
    expect(second.status).toBe(502);
    await second.text();
    expect(upstream.counts.posts).toBe(2);
  } finally {
    await gateway.stop();
  }
});

test("a body that stalls past request_timeout_secs answers 504 timeout", async () => {
  const upstream = shortBodyUpstream(false);
  upstreams.push(upstream);
  const gateway = await startTestGateway({ ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url, ISARTOR__CACHE_MODE: "exact", ISARTOR__RETRY__MAX_RETRIES: "0", ISARTOR__REQUEST_TIMEOUT_SECS: "1" });
  try {
    const res = await ask(gateway.url);
    expect(res.status).toBe(504);
    const body = (await res.json()) as { error: { type: string } };
    expect(body.error.type).toBe("timeout_error");
  } finally {
    await gateway.stop();
  }
}, 20_000);
