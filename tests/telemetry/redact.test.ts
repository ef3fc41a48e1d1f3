import { expect, test } from "bun:test";
import { Logger } from "../../src/telemetry/logger.ts";
import { REDACTED, Redactor, redactorFromConfig } from "../../src/telemetry/redact.ts";

test("configured secrets, key shapes and operator patterns are masked in text", () => {
  const r = new Redactor({ secrets: ["my-gateway-key-123"], patterns: ["acct-\\d{6}"] });
  expect(r.text("key my-gateway-key-123 used")).toBe(`key ${REDACTED} used`);
  expect(r.text("Authorization: Bearer abcdefghijklmnop")).toBe(`Authorization: ${REDACTED}`);
  expect(r.text("upstream said: Incorrect API key provided: sk-proj-AbCdEf0123456789xyz")).not.toContain("sk-proj-AbCd");
  expect(r.text("AIzaSyA-0123456789abcdefghijklmnopqrstu")).toBe(REDACTED);
  expect(r.text("customer acct-123456 failed")).toBe(`customer ${REDACTED} failed`);
  expect(r.text("nothing secret here")).toBe("nothing secret here");
});

test("secret-named fields are masked whatever they hold; other fields are scrubbed", () => {
  const r = new Redactor({ secrets: ["hunter2-secret"] });
  const out = r.value({
    headers: new Headers({ authorization: "Basic xyz", "x-api-key": "k", "content-type": "application/json" }),
    api_key: "whatever",
    external_llm_api_key: "x",
    nested: [{ password: "p", note: "pw is hunter2-secret" }],
    tokens_saved: 12,
  }) as Record<string, any>;
  expect(out.headers.authorization).toBe(REDACTED);
  expect(out.headers["x-api-key"]).toBe(REDACTED);
  expect(out.headers["content-type"]).toBe("application/json");
  expect(out.api_key).toBe(REDACTED);
  expect(out.external_llm_api_key).toBe(REDACTED);
  expect(out.nested[0]).toEqual({ password: REDACTED, note: `pw is ${REDACTED}` });
  expect(out.tokens_saved).toBe(12);
});

test("the logger writes one redacted JSON object per line, at or above its level", () => {
  const lines: string[] = [];
  const log = new Logger("info", new Redactor({ secrets: ["gw-key-0123456789"] }), (l) => lines.push(l));
  log.debug("hidden");
  log.info("request", { key_id: "team-a", error: "invalid key gw-key-0123456789" });
  log.error("boom", { err: new Error("Bearer sk-abcdefghijklmnopqrstuvwx leaked?") });
  expect(lines).toHaveLength(2);
  const first = JSON.parse(lines[0]!);
  expect(first).toMatchObject({ level: "info", msg: "request", key_id: "team-a", error: `invalid key ${REDACTED}` });
  expect(typeof first.ts).toBe("string");
  expect(lines[1]).not.toContain("sk-abcdef");
});

test("a sink that throws never breaks the caller", () => {
  const log = new Logger("info", new Redactor(), () => {
    throw new Error("disk full");
  });
  expect(() => log.info("x")).not.toThrow();
});

test("provider keys configured only in [[providers]] (inline, pools, or via api_key_env) are literal secrets", () => {
  process.env.ISARTOR_TEST_PROVIDER_KEY = "envheld-key-777777";
  const r = redactorFromConfig({
    gateway_api_key: "",
    admin_api_key: "",
    external_llm_api_key: "",
    gateway_keys: [],
    providers: [{ api_key: "plainprovkey-1111" }, { api_keys: ["poolkey-2222a", "poolkey-2222b"] }, { api_key_env: "ISARTOR_TEST_PROVIDER_KEY" }],
    log_redact_patterns: [],
  });
  const text = r.text("upstream echoed plainprovkey-1111, poolkey-2222b and envheld-key-777777");
  expect(text).toBe(`upstream echoed ${REDACTED}, ${REDACTED} and ${REDACTED}`);
});

test("value() on a flat record: secret-named fields masked whatever their type, strings scrubbed, the rest copied", () => {
  const r = new Redactor({ secrets: ["gw-key-0123456789"] });
  const rec = { id: "req_1", path: "/v1/x gw-key-0123456789", token: 42, password: null, key: "", status: 200, nested: { authorization: "Bearer abcdefghijkl", ok: "sk-abcdefghijklmnopqrstuvwx" }, list: ["gw-key-0123456789"], missing: undefined };
  expect(r.value(rec)).toEqual({ id: "req_1", path: `/v1/x ${REDACTED}`, token: REDACTED, password: REDACTED, key: "", status: 200, nested: { authorization: REDACTED, ok: REDACTED }, list: [REDACTED], missing: undefined });
});
