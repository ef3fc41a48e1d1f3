// An upstream's Retry-After is advice, capped at max_retry_after_secs: it can neither park a key for
// years nor send our clients away for as long. While every key cools down, the gateway's own 503
// says when to come back.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startFaultUpstream, type FaultUpstream } from "../helpers/fault-upstream.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { ask, chainEnv } from "../providers/provider-env.ts";

const ADMIN = "retry-after-admin-key-0123";
const CAP = 120;
let up: FaultUpstream;
let gateway: RunningGateway;

const chat = (content: string) =>
  fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ask(content)) });

beforeAll(async () => {
  up = await startFaultUpstream("limited");
  gateway = await startTestGateway(
    chainEnv([up], { ISARTOR__MAX_RETRY_AFTER_SECS: String(CAP), ISARTOR__ADMIN_API_KEY: ADMIN }, () => ({ timeout_secs: 10 })),
    { logSink: () => {} },
  );
});
afterAll(async () => {
  await gateway.stop();
  await up.stop();
});

test("Retry-After: 999999999 reaches the client capped, and cools the key for at most the cap", async () => {
  up.script = [{ kind: "status", status: 429, retryAfter: "999999999" }];
  const res = await chat("first");
  expect(res.status).toBe(429);
  expect(Number(res.headers.get("retry-after"))).toBe(CAP);
  expect(up.requests.length).toBe(1);

  const providers = await (await fetch(`${gateway.url}/api/admin/providers`, { headers: { authorization: `Bearer ${ADMIN}` } })).json();
  const detail = JSON.stringify(providers);
  const cooling = [...detail.matchAll(/"cooling_down_secs":(\d+)/g)].map((m) => Number(m[1]));
  expect(cooling.length).toBeGreaterThan(0);
  expect(Math.max(...cooling)).toBeLessThanOrEqual(CAP);
});

test("while the only key cools down, the 503 carries a Retry-After no later than the key's return", async () => {
  const res = await chat("second");
  expect(res.status).toBe(503);
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(CAP);
  expect(await res.text()).toContain("cooling down");
  // the upstream was not asked again
  expect(up.requests.length).toBe(1);
});

test("an HTTP-date Retry-After far in the future is capped the same way", async () => {
  const g = await startTestGateway(chainEnv([up], { ISARTOR__MAX_RETRY_AFTER_SECS: String(CAP) }, () => ({ timeout_secs: 10 })), { logSink: () => {} });
  try {
    up.script = [{ kind: "status", status: 503, retryAfter: new Date(Date.now() + 10 * 365 * 86400_000).toUTCString() }];
    const res = await fetch(`${g.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ask("third")) });
    expect(res.status).toBe(503);
    expect(Number(res.headers.get("retry-after"))).toBe(CAP);
  } finally {
    await g.stop();
  }
});
