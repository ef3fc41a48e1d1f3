import { describe, expect, test } from "bun:test";
import { exactKey, semanticScope } from "../../src/cache/keys.ts";
import { parseOpenAIRequest } from "../../src/formats/openai.ts";

const base = {
  model: "gpt-4o-mini",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: "What is the capital of France?" },
  ],
};
const req = (patch: object = {}) => parseOpenAIRequest({ ...structuredClone(base), ...patch });
const key = (patch: object = {}, tenant = "t1", model = "gpt-4o-mini") => exactKey(tenant, model, req(patch));

describe("exact cache key", () => {
  test("identical requests share a key; stream flag and key order do not matter", () => {
    expect(key()).toBe(key());
    expect(key({ stream: true })).toBe(key());
    const reordered = parseOpenAIRequest({ messages: base.messages, model: base.model });
    expect(exactKey("t1", "gpt-4o-mini", reordered)).toBe(key());
  });

  test("different system prompt, history, model, tenant, tools or params ⇒ different key", () => {
    const k = key();
    const variants = [
      key({ messages: [{ role: "system", content: "You are verbose." }, base.messages[1]] }),
      key({ messages: [base.messages[0], { role: "user", content: "Hi" }, { role: "assistant", content: "Hello" }, base.messages[1]] }),
      key({}, "t1", "gpt-4o"),
      key({}, "t2"),
      key({ tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object" } } }] }),
      key({ tool_choice: "none" }),
      key({ temperature: 0.2 }),
      key({ top_p: 0.5 }),
      key({ max_tokens: 10 }),
      key({ seed: 7 }),
      key({ stop: ["\n"] }),
      key({ response_format: { type: "json_object" } }),
      key({ logit_bias: { "50256": -100 } }),
    ];
    for (const v of variants) expect(v).not.toBe(k);
    expect(new Set(variants).size).toBe(variants.length);
  });

  test("images and tool results are part of the key", () => {
    const withImage = (url: string) =>
      key({ messages: [{ role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image_url", image_url: { url } }] }] });
    expect(withImage("https://x/a.png")).not.toBe(withImage("https://x/b.png"));
    const withToolResult = (content: string) =>
      key({
        messages: [
          { role: "user", content: "weather?" },
          { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "w", arguments: "{}" } }] },
          { role: "tool", tool_call_id: "c1", content },
        ],
      });
    expect(withToolResult("sunny")).not.toBe(withToolResult("rainy"));
  });
});

describe("semantic scope", () => {
  test("scope excludes only the last user message", () => {
    const a = semanticScope("t1", "m", req())!;
    const b = semanticScope("t1", "m", req({ messages: [base.messages[0], { role: "user", content: "France's capital city?" }] }))!;
    expect(a.scope).toBe(b.scope);
    expect(a.question).toBe("What is the capital of France?");
    const other = semanticScope("t1", "m", req({ messages: [{ role: "system", content: "other" }, base.messages[1]] }))!;
    expect(other.scope).not.toBe(a.scope);
    expect(semanticScope("t2", "m", req())!.scope).not.toBe(a.scope);
  });

  test("no scope when the last message is not a plain user question", () => {
    const r = req({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x/a.png" } }] }] });
    expect(semanticScope("t1", "m", r)).toBeUndefined();
  });
});
