// OpenAI Responses API wire format (POST /v1/responses). One exchange object per request: it expands
// previous_response_id from the tenant's recent answers before parsing, and remembers the answer it
// renders so the next request can continue it.
import type { ResponseHistory } from "../cache/response-history.ts";
import { invalidRequest, type GatewayError } from "../pipeline/errors.ts";
import type { ChatRequest, ChatResponse } from "../pipeline/types.ts";
import type { ParseOptions, WireFormat } from "./format.ts";
import { inputItems, parseResponsesRequest } from "./responses-parse.ts";
import { resolveItemReferences } from "./responses-references.ts";
import { renderResponsesError, renderResponsesResponse } from "./responses-render.ts";
import { ResponsesEventWriter } from "./responses-stream.ts";
import { expectObject, isObject, optionalString, type Json } from "./validate.ts";

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;

/** The data of a raw upstream SSE frame, parsed (null when it is not JSON). */
function frameData(frame: string): Json | null {
  const data = frame
    .split("\n")
    .filter((l) => l.startsWith("data:"))
    .map((l) => l.slice(5).replace(/^ /, ""))
    .join("\n");
  try {
    const parsed = JSON.parse(data);
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function createResponsesFormat(history: ResponseHistory): WireFormat {
  let tenant = "";
  let previousResponseId: string | undefined;
  let input: unknown[] = [];
  let keep = true;

  const remember = (response: Json) => {
    if (!keep || typeof response.id !== "string" || !Array.isArray(response.output)) return;
    history.set(tenant, response.id, [...input, ...response.output]);
  };

  return {
    name: "responses",
    parse(body: unknown, opts: ParseOptions = {}): ChatRequest {
      tenant = opts.tenant ?? "";
      const b = expectObject(body, "body");
      previousResponseId = optionalString(b.previous_response_id, "previous_response_id");
      keep = b.store !== false;
      let expanded: Json = b;
      if (b.input === undefined || b.input === null) throw invalidRequest("'input' is required", "input");
      const sent = inputItems(b.input);
      input = resolveItemReferences(sent, (id) => history.get(tenant, id));
      if (input !== sent) expanded = { ...b, input };
      if (previousResponseId) {
        const prior = history.get(tenant, previousResponseId);
        if (!prior) {
          throw invalidRequest(
            `previous_response_id '${previousResponseId}' is not known to this gateway (it keeps recent responses of this key for a limited time); send the whole conversation in 'input' instead`,
            "previous_response_id",
          );
        }
        input = [...prior, ...input];
        // the whole conversation goes upstream (and into the cache key), so any upstream can answer it
        const { previous_response_id: _p, ...rest } = expanded;
        expanded = { ...rest, input };
      }
      return parseResponsesRequest(expanded);
    },
    render(res: ChatResponse, req: ChatRequest) {
      const out = renderResponsesResponse(res, req, previousResponseId);
      remember(out);
      return out;
    },
    streamContentType: () => "text/event-stream; charset=utf-8",
    async *renderStream(chunks, req) {
      const writer = new ResponsesEventWriter(req, previousResponseId);
      for await (const chunk of chunks) {
        // Frames from a Responses upstream go out exactly as received.
        if (chunk.raw?.format === "responses") {
          if (chunk.raw.frame !== null) {
            yield chunk.raw.frame;
            const data = frameData(chunk.raw.frame);
            if (data && (data.type === "response.completed" || data.type === "response.incomplete") && isObject(data.response)) remember(data.response);
          }
          if (chunk.events.some((e) => e.type === "error")) return;
          continue;
        }
        for (const event of chunk.events) {
          for (const frame of writer.write(event)) yield sse(frame.event, frame.data);
          if (event.type === "error") return;
        }
      }
      if (writer.final) remember(writer.final);
    },
    renderError: (err: GatewayError) => renderResponsesError(err),
  };
}

