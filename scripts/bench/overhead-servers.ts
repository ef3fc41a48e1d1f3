// Child processes for the overhead benchmark; each prints "READY <port>" once listening.
//   mock            OpenAI-shaped JSON upstream
//   proxy <url>     bare Bun.serve reverse proxy to <url>
//   const           bare Bun.serve returning a constant chat completion
//   sink            accepts anything with 200 (an OTLP collector for the monitoring-on scenario)
import { BENCH_COMPLETION } from "./bench-gateway.ts";

const role = Bun.argv[2];

let server: ReturnType<typeof Bun.serve>;
if (role === "mock" || role === "const") {
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      if (req.method === "POST") await req.arrayBuffer();
      return new Response(BENCH_COMPLETION, { headers: { "content-type": "application/json" } });
    },
  });
} else if (role === "proxy") {
  const upstream = new URL(Bun.argv[3]!);
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const url = new URL(req.url);
      const res = await fetch(`${upstream.origin}${url.pathname}`, { method: req.method, headers: req.headers, body: await req.arrayBuffer() });
      return new Response(res.body, { status: res.status, headers: res.headers });
    },
  });
} else if (role === "sink") {
  // an OTLP collector stand-in: takes every export and answers 200 at once
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      await req.arrayBuffer();
      return new Response("{}", { headers: { "content-type": "application/json" } });
    },
  });
} else {
  throw new Error(`unknown role ${role}`);
}
console.log(`READY ${server.port}`);
