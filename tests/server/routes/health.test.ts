// /health describes the L3 provider the gateway really uses: the first configured provider and its model.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startFaultUpstream, type FaultUpstream } from "../../helpers/fault-upstream.ts";
import { startTestGateway } from "../../helpers/gateway.ts";
import type { RunningGateway } from "../../../src/server/server.ts";
import { chainEnv } from "../../providers/provider-env.ts";

let a: FaultUpstream;
let b: FaultUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  a = await startFaultUpstream("primary");
  b = await startFaultUpstream("backup");
  gateway = await startTestGateway(
    chainEnv([a, b], { ISARTOR__EXTERNAL_LLM_MODEL: "shorthand-model-not-used" }, (u) => ({ model: `${u.name}-model` })),
    { logSink: () => {} },
  );
});
afterAll(async () => {
  await gateway.stop();
  await Promise.all([a.stop(), b.stop()]);
});

test("/health names the first configured provider and its model, not external_llm_model", async () => {
  const health = await (await fetch(`${gateway.url}/health`)).json();
  expect(health.provider).toEqual({ name: "primary", configured: true, model: "primary-model" });
});

test("a request naming no model goes to that same model", async () => {
  await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content: "which model?" }] }),
  });
  expect(a.requests.at(-1)?.body.model).toBe("primary-model");
});
