// Anthropic Messages wire format (POST /v1/messages).
import type { GatewayError } from "../pipeline/errors.ts";
import { countRequestTokens } from "./anthropic-count.ts";
import { parseAnthropicRequest } from "./anthropic-parse.ts";
import { AnthropicEventWriter, renderAnthropicError, renderAnthropicResponse } from "./anthropic-render.ts";
import type { WireFormat } from "./format.ts";

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export const anthropicFormat: WireFormat = {
  name: "anthropic",
  parse: (body, opts) => parseAnthropicRequest(body, { headers: opts?.headers }),
  render: (res) => renderAnthropicResponse(res),
  streamContentType: () => "text/event-stream; charset=utf-8",
  async *renderStream(chunks, req) {
    const writer = new AnthropicEventWriter(req.model, () => countRequestTokens(req));
    for await (const chunk of chunks) {
      // Frames from an Anthropic upstream are complete SSE frames; they go out exactly as received.
      if (chunk.raw?.format === "anthropic") {
        if (chunk.raw.frame !== null) yield chunk.raw.frame;
        if (chunk.events.some((e) => e.type === "error")) return;
        continue;
      }
      for (const event of chunk.events) {
        for (const out of writer.write(event)) yield frame(out.event, out.data);
        if (event.type === "error") return;
      }
    }
  },
  renderError: (err: GatewayError) => renderAnthropicError(err),
};
