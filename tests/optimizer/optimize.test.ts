import { expect, test } from "bun:test";
import { StageMemo } from "../../src/optimizer/memo.ts";
import { optimizeRequest, type OptimizerOptions } from "../../src/optimizer/optimize.ts";
import { rewriteSourceBody } from "../../src/optimizer/source-rewrite.ts";
import { parseOpenAIRequest } from "../../src/formats/openai.ts";

const OPTS: OptimizerOptions = { dedup: true, logCrunch: true, minify: true, minBlockChars: 100, maxLogLines: 40, minRequestChars: 0 };
const RULES = "Always answer in British English, cite the file and line you changed, and never invent APIs that do not exist in this repository.";
const LOG = Array.from({ length: 300 }, (_, i) => `2024-05-01T10:00:00Z INFO request ${i} served in ${i % 17}ms`).join("\n");

const body = () => ({
  model: "gpt-4o-mini",
  messages: [
    { role: "system", content: RULES },
    { role: "user", content: `${RULES}\n\nWhy is this slow?` },
    { role: "assistant", content: "Send me the log." },
    { role: "user", content: [{ type: "text", text: LOG }, { type: "image_url", image_url: { url: "https://example.com/a.png" } }] },
  ],
});

test("shrinks turns, keeps the system prompt and non-text parts, reports savings per stage", () => {
  const req = parseOpenAIRequest(body());
  const out = optimizeRequest(req, OPTS);
  expect(out.request.system).toEqual(req.system);
  expect(out.request.messages[0]!.content[0]).toEqual({ type: "text", text: expect.stringContaining("[isartor: repeated block omitted") });
  expect(out.request.messages[0]!.content[0]).toEqual({ type: "text", text: expect.stringContaining("Why is this slow?") });
  expect(out.request.messages[2]!.content[1]).toEqual(req.messages[2]!.content[1]!);
  expect(out.saved.log_crunch).toBeGreaterThan(1000);
  expect(out.saved.dedup).toBeGreaterThanOrEqual(10);
  // the original request object is untouched (cache keys are computed from it)
  expect(req.messages[0]!.content[0]).toEqual({ type: "text", text: `${RULES}\n\nWhy is this slow?` });
});

test("the same request always optimises to the same result, memo or not", () => {
  const memo = new StageMemo({ maxEntries: 10, ttlMs: 60_000 });
  const a = optimizeRequest(parseOpenAIRequest(body()), OPTS, memo);
  const b = optimizeRequest(parseOpenAIRequest(body()), OPTS, memo);
  const c = optimizeRequest(parseOpenAIRequest(body()), OPTS);
  expect(b.request.messages).toEqual(a.request.messages);
  expect(c.request.messages).toEqual(a.request.messages);
  expect(memo.size).toBeGreaterThan(0);
});

test("the caller's own body gets exactly the optimised texts, in place, nothing else changed", () => {
  const original = body();
  const out = optimizeRequest(parseOpenAIRequest(original), OPTS);
  const rewritten = rewriteSourceBody(original, out.slots) as ReturnType<typeof body>;
  expect(rewritten.messages[0]!.content).toBe(RULES);
  expect(rewritten.messages[1]!.content).toBe((out.request.messages[0]!.content[0] as { text: string }).text);
  const parts = rewritten.messages[3]!.content as { type: string; text?: string }[];
  expect(parts[0]!.text).toBe((out.request.messages[2]!.content[0] as { text: string }).text);
  expect(parts[1]).toEqual(original.messages[3]!.content[1] as never);
  expect(rewritten.model).toBe("gpt-4o-mini");
  expect(original.messages[1]!.content).toBe(`${RULES}\n\nWhy is this slow?`);
});

test("system text is placed first even when the body lists it after the turns", () => {
  const slots = [
    { before: RULES, after: RULES, protected: true },
    { before: RULES, after: "[ref]", protected: false },
  ];
  const rewritten = rewriteSourceBody({ messages: [{ content: RULES }], system: RULES }, slots) as { system: string; messages: { content: string }[] };
  expect(rewritten.system).toBe(RULES);
  expect(rewritten.messages[0]!.content).toBe("[ref]");
  expect(Object.keys(rewritten)).toEqual(["messages", "system"]);
});

test("a changed text that cannot be found in the body abandons the rewrite", () => {
  expect(rewriteSourceBody({ prompt: "other" }, [{ before: "x".repeat(50), after: "x", protected: false }])).toBeUndefined();
});
