#!/usr/bin/env bun
// The gateway's own CPU cost per request, without a network or load generator in the way: builds the
// services from the default configuration, then calls the chat route's handler in a loop with real
// Request objects and reads every answer. (d') is an L1a hit; (e') the same loop against a handler that
// only reads the body and returns a constant, the floor any handler pays. Prints µs per request and the
// ratio. The end-to-end figures with sockets are scripts/bench/overhead.ts; this one is stable on a
// busy machine and points at what to profile (bun --cpu-prof scripts/bench/hot-path.ts).
// (b')/(c') do the same for an L3 pass-through to an in-process mock.
// Usage: bun scripts/bench/hot-path.ts [--seconds 3] [--env K=V ...] [--canned-upstream]
import { parseArgs } from "node:util";
import { BENCH_COMPLETION, benchConfig } from "./bench-gateway.ts";
import { buildServices } from "../../src/server/build-services.ts";
import { chatRouteFinder, chatRoutes } from "../../src/server/chat-routes.ts";
import { gateRefusal } from "../../src/server/app.ts";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { seconds: { type: "string" }, env: { type: "string", multiple: true }, "canned-upstream": { type: "boolean" } } });
const SECONDS = Number(values.seconds ?? 3);
const extraEnv = Object.fromEntries((values.env ?? []).map((kv) => kv.split(/=(.*)/s).slice(0, 2) as [string, string]));
const mock = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: () => new Response(BENCH_COMPLETION, { headers: { "content-type": "application/json" } }),
});
const config = benchConfig(mock.port!, extraEnv);
// --canned-upstream: the L3 provider answers from memory, so (c') is the gateway's pipeline without the network call
const canned = { id: "chatcmpl-1", created: 1, model: "gpt-4o-mini", message: { role: "assistant" as const, content: [{ type: "text" as const, text: "The answer is 42." }] }, finishReason: "stop" as const, usage: { inputTokens: 12, outputTokens: 6 } };
const services = buildServices(
  config,
  values["canned-upstream"] ? { provider: { name: "openai", complete: async () => ({ ...canned }), stream: () => Promise.reject(new Error("streams are not benchmarked here")) } } : {},
);
const route = chatRouteFinder(chatRoutes(services))("/v1/chat/completions")!;
const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "What is the answer to everything? fixed" }] });
const url = "http://127.0.0.1:8080/v1/chat/completions";
let unique = 0;
const request = (text = body) => new Request(url, { method: "POST", headers: { "content-type": "application/json", "content-length": String(text.length) }, body: text });
const uniqueRequest = () => request(body.replace("fixed", `u${unique++}`));

async function perRequestMicros(handle: (r: Request) => Promise<Response> | Response, make: () => Request = request): Promise<number> {
  for (let i = 0; i < 2000; i++) await (await handle(make())).arrayBuffer();
  let n = 0;
  const started = performance.now();
  const until = started + SECONDS * 1000;
  while (performance.now() < until) {
    // 16 in flight, as the socket benchmark's connections
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let i = 0; i < 200 / 16; i++) await (await handle(make())).arrayBuffer();
    }));
    n += 16 * Math.floor(200 / 16);
    // let timers run (log batches are written from them), as a serving event loop does between requests
    await Bun.sleep(0);
  }
  return ((performance.now() - started) * 1000) / n;
}

const constant = JSON.stringify({ id: "chatcmpl-1", object: "chat.completion", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, message: { role: "assistant", content: "The answer is 42." }, finish_reason: "stop" }] });
const floor = await perRequestMicros(async (r) => {
  await r.arrayBuffer();
  return new Response(constant, { headers: { "content-type": "application/json" } });
});
const hit = await perRequestMicros((r) => gateRefusal(services, r) ?? route.handle(r));
const upstreamUrl = `http://127.0.0.1:${mock.port}/v1/chat/completions`;
const proxy = await perRequestMicros(async (r) => {
  const parsed = await r.json();
  const res = await fetch(upstreamUrl, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer bench" }, body: JSON.stringify(parsed) });
  return Response.json(await res.json());
}, uniqueRequest);
const l3 = await perRequestMicros((r) => gateRefusal(services, r) ?? route.handle(r), uniqueRequest);
console.log(`(b') parse, forward with fetch, render ${proxy.toFixed(2).padStart(8)} µs/request`);
console.log(`(c') isartor L3 pass-through        ${l3.toFixed(2).padStart(8)} µs/request`);
console.log(`gateway work per L3 pass-through    ${(l3 - proxy).toFixed(2).padStart(8)} µs  (c'/b' ${(l3 / proxy).toFixed(2)}×)`);
console.log(`(e') read body, return a constant   ${floor.toFixed(2).padStart(8)} µs/request`);
console.log(`(d') isartor L1a hit (handler)      ${hit.toFixed(2).padStart(8)} µs/request`);
console.log(`gateway work per L1a hit            ${(hit - floor).toFixed(2).padStart(8)} µs  (d'/e' ${(hit / floor).toFixed(2)}×)`);
await services.close();
mock.stop(true);
process.exit(0);
