import { expect, test } from "bun:test";
import fc from "fast-check";
import { estimateTokens } from "../../src/pipeline/tokens.ts";

const reference = (text: string) => (text ? Math.max(Math.ceil(text.length / 4), text.split(/\s+/).filter(Boolean).length) : 0);

test("the estimate is max(characters / 4, words) with words as /\\S+/ runs", () => {
  expect(estimateTokens("")).toBe(0);
  expect(estimateTokens("a b c d e f")).toBe(6);
  expect(estimateTokens("What is the capital of France?")).toBe(8);
  expect(estimateTokens("x\u00a0y\u3000z\ufeffw")).toBe(4);
});

test("agrees with splitting on \\s for any text, Unicode spaces included", () => {
  const chars = fc.constantFrom("a", "Z", "é", "語", " ", "\t", "\n", "\r", "\v", "\f", "\u00a0", "\u1680", "\u2000", "\u200a", "\u200b", "\u2028", "\u202f", "\u205f", "\u3000", "\ufeff", "\u0085", "😀");
  fc.assert(fc.property(fc.array(chars, { maxLength: 60 }).map((a) => a.join("")), (text) => estimateTokens(text) === reference(text)), { numRuns: 2000 });
});
