// Chat Completions format: a Gemini function call's thoughtSignature rides in the tool call id and comes
// back with the call (and not in the tool result's id), from the non-streamed answer and from the stream.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { openaiFormat, parseOpenAIRequest, renderOpenAIResponse } from "../../src/formats/openai.ts";
import type { ChatResponse } from "../../src/pipeline/types.ts";
import { chatResponse } from "./arbitraries.ts";
import { renderedStream, sseMessages } from "./stream-text.ts";

const req = parseOpenAIRequest({ model: "m", messages: [{ role: "user", content: "q" }] });
const signature = fc.stringMatching(/^[A-Za-z0-9+/]{8,40}={0,2}$/);

const signedCalls = fc
  .tuple(chatResponse("gemini"), fc.array(fc.option(signature, { nil: undefined }), { minLength: 2, maxLength: 2 }))
  .filter(([res]) => Boolean(res.message.toolCalls?.length))
  .map(([res, sigs]): ChatResponse => ({ ...res, message: { ...res.message, toolCalls: res.message.toolCalls!.map((c, i) => ({ ...c, ...(sigs[i] ? { signature: sigs[i] } : {}) })) } }));

/** The tool calls of a streamed answer, assembled from its chunks as a client does. */
async function streamedCalls(res: ChatResponse) {
  const calls: { id: string; type: string; function: { name: string; arguments: string } }[] = [];
  for (const m of sseMessages(await renderedStream(openaiFormat, res, req))) {
    if (m.data === "[DONE]") continue;
    for (const d of JSON.parse(m.data).choices[0]?.delta.tool_calls ?? []) {
      if (d.id) calls[d.index] = { id: d.id, type: "function", function: { name: d.function.name, arguments: "" } };
      calls[d.index]!.function.arguments += d.function?.arguments ?? "";
    }
  }
  return calls;
}

test("tool calls sent back (with their results) are the calls of the answer, signatures included", async () => {
  await fc.assert(
    fc.asyncProperty(signedCalls, async (res) => {
      const rendered = (renderOpenAIResponse(res) as { choices: { message: { tool_calls: unknown[] } }[] }).choices[0]!.message.tool_calls;
      for (const toolCalls of [rendered, await streamedCalls(res)]) {
        const ids = (toolCalls as { id: string }[]).map((c) => c.id);
        const next = parseOpenAIRequest({
          model: "m",
          messages: [{ role: "user", content: "q" }, { role: "assistant", content: null, tool_calls: toolCalls }, ...ids.map((id) => ({ role: "tool", tool_call_id: id, content: "ok" }))],
        });
        expect(next.messages[1]!.toolCalls).toEqual(res.message.toolCalls);
        expect(next.messages.slice(2).map((m) => m.toolCallId)).toEqual(res.message.toolCalls!.map((c) => c.id));
      }
    }),
    { numRuns: 100 },
  );
});
