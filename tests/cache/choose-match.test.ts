// L1b's decision after the vector search (the layer and the benchmarks share it): threshold, guard,
// and the top-k cross-check that refuses a match another cached answer is almost as close to.
import { describe, expect, test } from "bun:test";
import { chooseMatch } from "../../src/cache/guard/choose-match.ts";
import type { VectorMatch } from "../../src/cache/vector-store.ts";
import type { ChatResponse } from "../../src/pipeline/types.ts";

const match = (question: string, score: number, answer = `answer to: ${question}`): VectorMatch => ({
  score,
  entry: { question, response: { id: "x", created: 0, model: "m", message: { role: "assistant", content: [{ type: "text", text: answer }] }, finishReason: "stop", usage: { inputTokens: 1, outputTokens: 1 } } as unknown as ChatResponse },
});

describe("chooseMatch", () => {
  const opts = { threshold: 0.85, guard: true, margin: 0.01 };

  test("the best match at the threshold the guard accepts", () => {
    const best = match("How do I reset my password?", 0.93);
    expect(chooseMatch("How can I reset my password?", [best, match("How do I reset my password please?", 0.7)], opts).accepted).toBe(best);
  });

  test("nothing at the threshold: no match, nothing refused", () => {
    expect(chooseMatch("How can I reset my password?", [match("How do I reset my password?", 0.84)], opts)).toEqual({ refused: [] });
  });

  test("a rival with a different answer within the margin makes it ambiguous, even just below the threshold", () => {
    // two cached wordings of one question that were answered differently: the cache cannot pick
    const choice = chooseMatch("Where is my latest invoice?", [match("Where can I find my latest invoice?", 0.855), match("Where do I find the latest invoice?", 0.849)], opts);
    expect(choice.accepted).toBeUndefined();
    expect(choice.refused.map((r) => r.reason)).toEqual(["ambiguous"]);
    expect(choice.refused[0]!.detail).toBe("0.8490");
  });

  test("a rival with the same answer, or beyond the margin, or one the guard refuses, is no ambiguity", () => {
    const best = match("Where can I find my latest invoice?", 0.9);
    expect(chooseMatch("Where is my latest invoice?", [best, match("Where do I find the latest invoice?", 0.895, "answer to: Where can I find my latest invoice?")], opts).accepted).toBe(best);
    expect(chooseMatch("Where is my latest invoice?", [best, match("Where do I find the latest invoice?", 0.88)], opts).accepted).toBe(best);
    // a rival the guard itself refuses (another thing than asked) is no evidence of ambiguity
    expect(chooseMatch("Where is my latest invoice?", [best, match("Where is my latest receipt?", 0.899)], opts).accepted).toBe(best);
    expect(chooseMatch("Where do I see my 2024 bill?", [match("Where do I see my 2024 bill now?", 0.9), match("Where do I see my 2023 bill?", 0.899)], opts).accepted?.score).toBe(0.9);
  });

  test("a refused best candidate gives way to the next one that passes", () => {
    const choice = chooseMatch("How do I increase the volume?", [match("How do I decrease the volume?", 0.97), match("How can I increase the volume?", 0.9)], { ...opts, margin: 0 });
    expect(choice.accepted?.entry.question).toBe("How can I increase the volume?");
    expect(choice.refused).toMatchObject([{ reason: "antonym" }]);
  });

  test("guard off: the best match at the threshold, unverified", () => {
    const best = match("How do I decrease the volume?", 0.97);
    expect(chooseMatch("How do I increase the volume?", [best], { ...opts, guard: false }).accepted).toBe(best);
  });
});
