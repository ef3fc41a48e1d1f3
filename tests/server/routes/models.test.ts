import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import type { RunningGateway } from "../../../src/server/server.ts";
import { useFaultPair } from "../../helpers/fault-pair.ts";
import { startTestGateway } from "../../helpers/gateway.ts";
import { chainEnv } from "../../providers/provider-env.ts";

const ups = useFaultPair();
let gateway: RunningGateway;

beforeAll(async () => {
  gateway = await startTestGateway(
    chainEnv(
      [ups.a, ups.b],
      {
        ISARTOR__ALIASES: JSON.stringify({ fast: ["b/b-small", "a/a-small"], smart: "a/a-large" }),
        ISARTOR__GATEWAY_API_KEY: "gw-secret-key",
        // pings run at startup; b's model list is what the upstream reports
        ISARTOR__PROVIDER_HEALTH_CHECK_INTERVAL_SECS: "300",
      },
      (u) => (u.name === "a" ? { model: "a-large", models: ["a-small"] } : {}),
    ),
  );
});
afterAll(async () => {
  await gateway.stop();
});

test("GET /v1/models lists aliases, configured models and models the providers reported, in OpenAI's shape", async () => {
  for (let i = 0; i < 200 && (ups.a.modelListRequests === 0 || ups.b.modelListRequests === 0); i++) await Bun.sleep(25);
  await Bun.sleep(50);
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "gw-secret-key", maxRetries: 0 });
  const models = [];
  for await (const m of client.models.list()) models.push(m);
  const owned = Object.fromEntries(models.map((m) => [m.id, m.owned_by]));
  expect(owned).toEqual({
    fast: "isartor-alias",
    smart: "isartor-alias",
    "a-large": "a",
    "a-small": "a",
    "a-model-1": "a",
    "a-model-2": "a",
    "b-model-1": "b",
    "b-model-2": "b",
  });
  for (const m of models) {
    expect(m.object).toBe("model");
    expect(typeof m.created).toBe("number");
  }
});

test("GET /v1/models needs the gateway key like every non-health route", async () => {
  const res = await fetch(`${gateway.url}/v1/models`);
  expect(res.status).toBe(401);
  expect((await res.json()).error.type).toBe("authentication_error");
});
