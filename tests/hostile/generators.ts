// Generators of bad requests: each one is invalid by construction (never a valid request by chance),
// built on a valid base body for the route's format and then broken in one of several ways.
import fc from "fast-check";
import type { ErrorShape, RouteUnderTest } from "./routes.ts";

export interface BadRequest {
  category: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  shape: ErrorShape;
}

type Json = Record<string, any>;
const enc = new TextEncoder();

/** A valid body per format, and the names of its parts the mutations break. */
export function baseBody(shape: ErrorShape, path: string): { body: Json; list: string; roleOf: (b: Json) => Json; numeric: string[] } {
  switch (shape) {
    case "native":
      return { body: { prompt: "hello" }, list: "prompt", roleOf: (b) => b, numeric: [] };
    case "anthropic":
      return {
        body: { model: "claude-x", max_tokens: 16, messages: [{ role: "user", content: "hello" }] },
        list: "messages",
        roleOf: (b) => b.messages[0],
        numeric: path.endsWith("count_tokens") ? [] : ["max_tokens", "temperature", "top_k"],
      };
    case "gemini":
      return {
        body: { contents: [{ role: "user", parts: [{ text: "hello" }] }], generationConfig: { temperature: 0.5 } },
        list: "contents",
        roleOf: (b) => b.contents[0],
        numeric: ["generationConfig.temperature", "generationConfig.maxOutputTokens", "generationConfig.topP"],
      };
    case "openai":
      return {
        body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] },
        list: "messages",
        roleOf: (b) => b.messages[0],
        numeric: ["max_tokens", "temperature", "top_p", "n"],
      };
  }
}

const VALID_ROLES = new Set(["system", "developer", "user", "assistant", "tool", "function", "model"]);
const junkValue = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }));
const notJson = fc.string({ minLength: 1, maxLength: 200 }).filter((s) => {
  try {
    JSON.parse(s);
    return false;
  } catch {
    return true;
  }
});

function setPath(obj: Json, path: string, value: unknown) {
  const parts = path.split(".");
  let node = obj;
  for (const p of parts.slice(0, -1)) node = node[p] ??= {};
  node[parts.at(-1)!] = value;
}

/** Mutations that turn a valid body into an invalid request; each returns the body bytes. */
export function mutations(route: RouteUnderTest, maxBodyBytes: number, maxDepth: number): fc.Arbitrary<{ category: string; body: string | Uint8Array }>[] {
  const base = () => baseBody(route.shape, route.path);
  const json = (category: string, mutate: (b: Json) => void) => ({ category, body: (() => {
    const { body } = base();
    mutate(body);
    return JSON.stringify(body);
  })() });
  const out: fc.Arbitrary<{ category: string; body: string | Uint8Array }>[] = [
    notJson.map((s) => ({ category: "invalid JSON", body: s })),
    fc.integer({ min: 1, max: 20 }).map((cut) => {
      const text = JSON.stringify(base().body);
      return { category: "truncated JSON", body: text.slice(0, Math.max(1, text.length - cut)) };
    }),
    fc.oneof(fc.constant("[]"), fc.constant("null"), fc.constant("42"), fc.constant('"text"'), fc.constant("true")).map((s) => ({ category: "not an object", body: s })),
    fc.constant({ category: "empty body", body: "" }),
    junkValue.map((v) => json("wrong type", (b) => (b[base().list] = v))),
    fc.constant(null).map(() => json("missing field", (b) => delete b[base().list])),
    fc.integer({ min: maxDepth + 1, max: maxDepth * 40 }).map((depth) =>
      json("deep nesting", (b) => (b.metadata = JSON.parse("[".repeat(depth) + "]".repeat(depth)))),
    ),
    fc.integer({ min: maxBodyBytes + 1, max: maxBodyBytes * 3 }).map((n) => json("huge string", (b) => (b.padding = "x".repeat(n)))),
    fc.uint8Array({ minLength: 1, maxLength: 8 }).map((junk) => {
      const text = JSON.stringify(base().body);
      const at = text.indexOf("hello");
      const bytes = [...enc.encode(text.slice(0, at)), 0xff, 0xfe, 0xc3, ...junk.map((x) => x | 0x80), 0xc0, ...enc.encode(text.slice(at))];
      return { category: "invalid UTF-8", body: new Uint8Array(bytes) };
    }),
  ];
  if (route.shape !== "native") {
    out.push(
      fc.string({ minLength: 0, maxLength: 12 }).filter((r) => !VALID_ROLES.has(r)).map((role) => json("unknown role", (b) => (base().roleOf(b).role = role))),
      fc.constant(null).map(() => json("empty list", (b) => (b[base().list] = []))),
    );
  }
  const numeric = base().numeric;
  if (numeric.length) {
    out.push(
      fc.tuple(fc.constantFrom(...numeric), fc.integer({ min: -1_000_000, max: -1 })).map(([field, n]) => json("negative number", (b) => setPath(b, field, n))),
      fc.tuple(fc.constantFrom(...numeric), fc.constantFrom("7", "NaN", "[]", "-0x1")).map(([field, v]) => json("number as string", (b) => setPath(b, field, v))),
    );
  }
  return out;
}

/** Header values a client can send that try to smuggle headers or confuse key parsing. */
export const hostileHeaders = fc.oneof(
  fc.constant({ "x-isartor-cache": "bypass\tx-evil: 1" }),
  fc.constant({ "x-request-id": "abc evil-injected" }),
  fc.string({ minLength: 1, maxLength: 64 }).map((s) => ({ "x-isartor-optimize": [...s].map((c) => String.fromCharCode(32 + (c.charCodeAt(0) % 94))).join("") })),
  fc.constant({ "content-type": "text/plain; charset=\u00ff" }),
  fc.constant({ "content-length-note": "0" }),
  fc.constant({}),
);

export function sample<T>(arb: fc.Arbitrary<T>, n: number, seed: number): T[] {
  return fc.sample(arb, { numRuns: n, seed });
}
