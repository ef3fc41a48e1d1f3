import { expect, test } from "bun:test";
import { constantTimeEqual } from "../../src/guard/constant-time.ts";
import { KeyRing } from "../../src/guard/key-ring.ts";
import { GatewayError } from "../../src/pipeline/errors.ts";
import { testConfig } from "../helpers/gateway.ts";

const KEYS = JSON.stringify([
  { id: "team-a", key: "a-key-0123456789abcdef", tenant: "acme", requests_per_minute: 5 },
  { id: "team-b", key: "b-key-0123456789abcdef" },
]);

const fail = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err as GatewayError;
  }
  throw new Error("expected a failure");
};

test("constantTimeEqual compares whole values of any length", () => {
  expect(constantTimeEqual("abc", "abc")).toBe(true);
  expect(constantTimeEqual("abc", "abd")).toBe(false);
  expect(constantTimeEqual("abc", "abcd")).toBe(false);
  expect(constantTimeEqual("", "x")).toBe(false);
});

test("each header style resolves to the key's id, tenant and limits", () => {
  const ring = new KeyRing(testConfig({ ISARTOR__GATEWAY_KEYS: KEYS, ISARTOR__RATE_LIMIT_REQUESTS_PER_MINUTE: "100" }));
  const a = ring.authenticate(new Headers({ authorization: "Bearer a-key-0123456789abcdef" }));
  expect(a).toEqual({ id: "team-a", tenant: "acme", requestsPerMinute: 5, tokensPerMinute: 0 });
  expect(ring.authenticate(new Headers({ "x-api-key": "b-key-0123456789abcdef" }))).toEqual({
    id: "team-b",
    tenant: "team-b",
    requestsPerMinute: 100,
    tokensPerMinute: 0,
  });
  expect(ring.authenticate(new Headers({ "x-goog-api-key": "b-key-0123456789abcdef" })).id).toBe("team-b");
});

test("the one-key shorthand coexists with the list and is the 'default' tenant", () => {
  const ring = new KeyRing(testConfig({ ISARTOR__GATEWAY_KEYS: KEYS, ISARTOR__GATEWAY_API_KEY: "single-key-xyz" }));
  expect(ring.authenticate(new Headers({ authorization: "Bearer single-key-xyz" })).tenant).toBe("default");
});

test("missing and wrong keys are 401 without echoing what was sent", () => {
  const ring = new KeyRing(testConfig({ ISARTOR__GATEWAY_KEYS: KEYS }));
  const missing = fail(() => ring.authenticate(new Headers()));
  expect(missing.status).toBe(401);
  expect(missing.extra.code).toBe("missing_api_key");
  const wrong = fail(() => ring.authenticate(new Headers({ authorization: "Bearer a-key-0123456789abcdeX" })));
  expect(wrong.status).toBe(401);
  expect(wrong.message).not.toContain("a-key");
  expect(fail(() => ring.authenticate(new Headers({ authorization: "Basic a-key-0123456789abcdef" }))).status).toBe(401);
});

test("no configured key means an open gateway with one anonymous principal", () => {
  const ring = new KeyRing(testConfig());
  expect(ring.enabled).toBe(false);
  expect(ring.authenticate(new Headers()).id).toBe("anonymous");
});

test("bad gateway_keys entries fail at startup naming the entry", () => {
  const bad = [
    [{ id: "x", key: "short" }],
    [{ id: "has space", key: "0123456789abcdefgh" }],
    [{ id: "a", key: "0123456789abcdefgh", extra: 1 }],
    [{ id: "a", key: "0123456789abcdefgh" }, { id: "a", key: "0123456789abcdefgX" }],
    [{ id: "a", key: "0123456789abcdefgh", requests_per_minute: -1 }],
  ];
  for (const value of bad) expect(() => testConfig({ ISARTOR__GATEWAY_KEYS: JSON.stringify(value) })).toThrow(/gateway_keys/);
});
