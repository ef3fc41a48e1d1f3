// upstream_max_connections caps the upstream requests in flight (Bun's fetch pool would otherwise
// queue silently past 256), and time spent waiting for a slot is not upstream time: a request that
// queued longer than the provider's timeout still gets its full timeout once it is sent.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startFaultUpstream, type FaultUpstream } from "../helpers/fault-upstream.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { ask, chainEnv } from "./provider-env.ts";

const CAP = 2;
const ANSWER_MS = 600;
let up: FaultUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  up = await startFaultUpstream("slow");
  up.otherwise = { kind: "slow_first_byte", delayMs: ANSWER_MS };
  // timeout 1 s: the third wave of requests waits 1.2 s for a slot before it is even sent
  gateway = await startTestGateway(
    chainEnv([up], { ISARTOR__UPSTREAM_MAX_CONNECTIONS: String(CAP), ISARTOR__AIMD__ENABLED: "false", ISARTOR__RETRY__MAX_RETRIES: "0" }, () => ({ timeout_secs: 1 })),
    { logSink: () => {} },
  );
});
afterAll(async () => {
  await gateway.stop();
  await up.stop();
});

const post = (body: object) =>
  fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, text: await r.text() }));

test("non-streamed: at most upstream_max_connections reach the upstream at once, and none times out while queued", async () => {
  up.maxInFlight = 0;
  const results = await Promise.all(Array.from({ length: 3 * CAP }, (_, i) => post(ask(`non-stream ${i}`))));
  expect(results.map((r) => r.status)).toEqual(Array(3 * CAP).fill(200));
  expect(up.maxInFlight).toBe(CAP);
});

test("streamed: a stream holds its slot until it ends; queued streams still get their whole timeout", async () => {
  up.maxInFlight = 0;
  const results = await Promise.all(Array.from({ length: 3 * CAP }, (_, i) => post(ask(`stream ${i}`, { stream: true }))));
  expect(results.map((r) => r.status)).toEqual(Array(3 * CAP).fill(200));
  for (const r of results) expect(r.text).toContain("[DONE]");
  expect(up.maxInFlight).toBe(CAP);
});
