// Gemini generateContent wire format (POST /v1beta/models/{model}:generateContent | :streamGenerateContent).
import type { GatewayError } from "../pipeline/errors.ts";
import type { ChatRequest, ChatStream } from "../pipeline/types.ts";
import type { WireFormat } from "./format.ts";
import { parseGeminiRequest } from "./gemini-parse.ts";
import { GeminiChunkWriter, renderGeminiError, renderGeminiResponse } from "./gemini-render.ts";
import { sseFrame } from "./sse.ts";

/** Each streamed GenerateContentResponse as JSON text, upstream Gemini chunks passed on as received. */
async function* geminiChunks(chunks: ChatStream, req: ChatRequest): AsyncGenerator<string> {
  const writer = new GeminiChunkWriter(req.model);
  for await (const chunk of chunks) {
    if (chunk.raw?.format === "gemini") {
      if (chunk.raw.frame !== null) yield chunk.raw.frame;
      if (chunk.events.some((e) => e.type === "error")) return;
      continue;
    }
    for (const event of chunk.events) {
      for (const out of writer.write(event)) yield JSON.stringify(out);
      if (event.type === "error") return;
    }
  }
}

const base = {
  name: "gemini" as const,
  parse: parseGeminiRequest,
  render: (res: Parameters<WireFormat["render"]>[0]) => renderGeminiResponse(res),
  renderError: (err: GatewayError) => renderGeminiError(err),
};

/** `?alt=sse`: one `data:` frame per chunk (what @google/genai and Gemini CLI use). */
export const geminiFormat: WireFormat = {
  ...base,
  streamContentType: () => "text/event-stream; charset=utf-8",
  async *renderStream(chunks, req) {
    for await (const json of geminiChunks(chunks, req)) yield sseFrame(json);
  },
};

/** No `alt`: the stream is one JSON array whose elements arrive as they are produced. */
export const geminiJsonArrayFormat: WireFormat = {
  ...base,
  streamContentType: () => "application/json; charset=utf-8",
  async *renderStream(chunks, req) {
    let first = true;
    for await (const json of geminiChunks(chunks, req)) {
      yield first ? `[${json}` : `,\r\n${json}`;
      first = false;
    }
    yield first ? "[]" : "]";
  },
};
