// A minimal completed canonical answer for cache store tests: one text part, finish "stop".
import type { ChatResponse } from "../../src/pipeline/types.ts";

export const textResponse = (text: string): ChatResponse => ({
  id: "x",
  created: 1,
  model: "m",
  message: { role: "assistant", content: [{ type: "text", text }] },
  finishReason: "stop",
  usage: { inputTokens: 1, outputTokens: 1 },
});
