// The Cursor/Kiro cache namespace comes only from the gateway's own detection (the IDE headers): a
// body field `isartor_client_namespace` neither moves a plain request into an IDE's namespace (or an
// IDE request out of its own) nor reaches the upstream.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startFaultUpstream, type FaultUpstream } from "../helpers/fault-upstream.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { chainEnv } from "../providers/provider-env.ts";

let up: FaultUpstream;
let gateway: RunningGateway;
const CURSOR = { "x-cursor-checksum": "abc123", "x-cursor-client-version": "1.7.0" };
const KIRO = { "x-kiro-version": "0.4.0" };

beforeAll(async () => {
  up = await startFaultUpstream("up");
  gateway = await startTestGateway(chainEnv([up], {}, () => ({ timeout_secs: 10 })), { logSink: () => {} });
});
afterAll(async () => {
  await gateway.stop();
  await up.stop();
});

async function send(headers: Record<string, string>, body: object) {
  const res = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  await res.text();
  return res.headers.get("x-isartor-layer");
}

const question = (q: string, extra: object = {}) => ({ model: "gpt-4o-mini", messages: [{ role: "user", content: q }], ...extra });

test("a plain request claiming the cursor namespace does not get Cursor's cached answer", async () => {
  expect(await send(CURSOR, question("cursor-only question"))).toBe("l3");
  expect(await send(CURSOR, question("cursor-only question"))).toBe("l1a");
  expect(await send({}, question("cursor-only question", { isartor_client_namespace: "cursor" }))).toBe("l3");
});

test("a Cursor request claiming another namespace stays in Cursor's", async () => {
  expect(await send(KIRO, question("kiro question"))).toBe("l3");
  expect(await send(CURSOR, question("kiro question", { isartor_client_namespace: "kiro" }))).toBe("l3");
  expect(await send(CURSOR, question("kiro question"))).toBe("l1a");
});

test("the claimed field is not forwarded upstream", async () => {
  await send({}, question("forwarded?", { isartor_client_namespace: "cursor", user: "dev-1" }));
  const sent = up.requests.at(-1)!.body;
  expect(sent.user).toBe("dev-1");
  expect("isartor_client_namespace" in sent).toBe(false);
});
