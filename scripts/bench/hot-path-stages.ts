#!/usr/bin/env bun
// Where an L1a hit's time goes: each step of the chat handler's hit path timed on its own, in a loop,
// with the gateway's real functions and the default configuration's objects. The sum is close to
// scripts/bench/hot-path.ts's "gateway work per L1a hit"; the rows show which steps dominate.
// Usage: bun scripts/bench/hot-path-stages.ts [--iterations 200000]
import { parseArgs } from "node:util";
import { exactKey } from "../../src/cache/keys.ts";
import { MemoryExactStore } from "../../src/cache/memory-exact.ts";
import { openaiFormat } from "../../src/formats/openai.ts";
import { cacheDirectives } from "../../src/pipeline/context.ts";
import { isoTime, newId } from "../../src/pipeline/ids.ts";
import { estimateTokens } from "../../src/pipeline/tokens.ts";
import type { ChatResponse } from "../../src/pipeline/types.ts";
import { Redactor } from "../../src/telemetry/redact.ts";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { iterations: { type: "string" } } });
const N = Number(values.iterations ?? 200_000);
const text = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "What is the answer to everything? fixed" }] });
const bytes = new TextEncoder().encode(text);
const headers = new Headers({ "content-type": "application/json", "content-length": String(bytes.length) });
const body = JSON.parse(text);
const chat = openaiFormat.parse(body, { tenant: "default", headers });
const stored: ChatResponse = {
  id: "chatcmpl-1",
  created: 1,
  model: "gpt-4o-mini",
  message: { role: "assistant", content: [{ type: "text", text: "The answer is 42." }] },
  finishReason: "stop",
  usage: { inputTokens: 12, outputTokens: 6 },
} as ChatResponse;
const store = new MemoryExactStore({ capacity: 10_000, ttlSecs: 0, maxBytes: 64 * 1024 * 1024 });
const key = exactKey("default", "gpt-4o-mini", chat);
await store.set(key, stored);
const redactor = new Redactor({ secrets: ["bench-secret-key"] });
const decoder = new TextDecoder("utf-8", { fatal: true });

let sink: unknown;
function time(name: string, f: () => unknown): number {
  for (let i = 0; i < Math.min(N, 20_000); i++) sink = f();
  const t = performance.now();
  for (let i = 0; i < N; i++) sink = f();
  const us = ((performance.now() - t) * 1000) / N;
  console.log(`${name.padEnd(44)} ${us.toFixed(3).padStart(8)} µs`);
  return us;
}
async function timeAsync(name: string, f: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(N, 20_000); i++) sink = await f();
  const t = performance.now();
  for (let i = 0; i < N; i++) sink = await f();
  const us = ((performance.now() - t) * 1000) / N;
  console.log(`${name.padEnd(44)} ${us.toFixed(3).padStart(8)} µs`);
  return us;
}

const rendered = openaiFormat.render({ ...stored, id: newId("chatcmpl-") }, chat, { layer: "l1a", provider: "openai" });
const rows = [
  time("decode + JSON.parse the body", () => JSON.parse(decoder.decode(bytes))),
  time("format.parse (validate, canonical request)", () => openaiFormat.parse(body, { tenant: "default", headers })),
  time("cache directives from the headers", () => cacheDirectives(headers)),
  time("exactKey (canonical JSON + SHA-256)", () => exactKey("default", "gpt-4o-mini", chat)),
  await timeAsync("MemoryExactStore.get", () => store.get(key)),
  time("two ids (request, response)", () => newId("req_") + newId("chatcmpl-")),
  time("format.render (wire object)", () => openaiFormat.render({ ...stored, id: "chatcmpl-x" }, chat, { layer: "l1a", provider: "openai" })),
  time("Response.json with the gateway's headers", () => Response.json(rendered, { headers: { "x-isartor-layer": "l1a", "x-isartor-deflected": "true", "x-isartor-provider": "openai", "x-request-id": "req_1" } })),
  time("token estimate of the prompt (usage log)", () => estimateTokens("What is the answer to everything? fixed")),
  time("request-log record: redact + JSON line", () => JSON.stringify(redactor.value({ ts: isoTime(), id: "req_1", method: "POST", path: "/v1/chat/completions", format: "openai", status: 200, layer: "l1a", final_layer: "L1a_ExactCache", deflected: true, duration_ms: 0.4, model: "gpt-4o-mini", stream: false, key_id: "default", tenant: "default" }))),
  time("usage-log record: JSON line", () => JSON.stringify({ ts: isoTime(), layer: "l1a", provider: "openai", model: "gpt-4o-mini", input_tokens: 12, output_tokens: 6, cost_usd: 0.00001, latency_ms: 0, status: "ok", saved: true, request_id: "req_1" })),
  time("dashboard summary: redact", () => redactor.value({ id: "req_1", method: "POST", path: "/v1/chat/completions", format: "openai", status: 200, key_id: "default", tenant: "default", layer: "l1a", provider: "openai", stream: false, duration_ms: 0 })),
];
console.log(`${"sum of the steps above".padEnd(44)} ${rows.reduce((a, b) => a + b, 0).toFixed(3).padStart(8)} µs`);
void sink;
