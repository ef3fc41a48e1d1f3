// Turns a complete response into the canonical stream that would have produced it, so a cache hit
// for a `stream: true` request is replayed as a well-formed stream in any format.
import type { ChatResponse, StreamChunk, StreamEvent } from "./types.ts";

export function responseEvents(res: ChatResponse): StreamEvent[] {
  // the stored usage rides on start too, so renderers report the real input count instead of an estimate
  const events: StreamEvent[] = [{ type: "start", id: res.id, model: res.model, created: res.created, usage: res.usage }];
  for (const part of res.message.content) {
    if (part.type === "thinking") events.push({ type: "thinking", text: part.text, signature: part.signature });
    else if (part.type === "text") events.push({ type: "text", text: part.text, ...(part.signature ? { signature: part.signature } : {}) });
    else if (part.type === "opaque") events.push({ type: "item", format: part.format, value: part.value });
  }
  (res.message.toolCalls ?? []).forEach((call, index) => {
    events.push({ type: "tool_call_start", index, id: call.id, name: call.name, ...(call.signature ? { signature: call.signature } : {}) });
    events.push({ type: "tool_call_delta", index, arguments: call.arguments });
  });
  events.push({ type: "finish", finishReason: res.finishReason, usage: res.usage });
  return events;
}

export async function* replayStream(res: ChatResponse): AsyncGenerator<StreamChunk> {
  yield { events: responseEvents(res) };
}
