// Helpers to run a format's renderStream over a canonical response and read the text back.
import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { WireFormat } from "../../src/formats/format.ts";
import { replayStream } from "../../src/pipeline/replay.ts";
import type { ChatRequest, ChatResponse } from "../../src/pipeline/types.ts";

export async function renderedStream(format: WireFormat, res: ChatResponse, req: ChatRequest): Promise<string> {
  let out = "";
  for await (const frame of format.renderStream(replayStream(res), req, { layer: "l1a" })) out += frame;
  return out;
}

export function sseMessages(text: string): EventSourceMessage[] {
  const messages: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (m) => messages.push(m) });
  parser.feed(text);
  return messages;
}
