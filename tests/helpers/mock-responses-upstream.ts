// A mock OpenAI Responses API server (POST /v1/responses) speaking the real wire format: the Response
// object, and the SSE event sequence with sequence numbers. Fields the gateway has no name for
// (service_tier, a web_search_call item) are included so pass-through can be checked byte-for-byte.
import { nextReply, serveLoopback } from "./mock-server.ts";

export interface MockResponsesReply {
  status?: number;
  text?: string;
  toolCalls?: { callId: string; name: string; arguments: string }[];
  /** an extra output item the gateway cannot model, before the message */
  extraItem?: Record<string, unknown>;
}

export interface MockResponses {
  url: string;
  requests: { body: any; headers: Headers }[];
  /** every SSE body sent, as text, in order */
  streamed: string[];
  replies: MockResponsesReply[];
  stop(): void;
}

const enc = new TextEncoder();

export function startMockResponses(replies: MockResponsesReply[] = [{ text: "Hello from responses" }]): MockResponses {
  const mock: MockResponses = { url: "", requests: [], streamed: [], replies, stop: () => server.stop(true) };
  let served = 0;
  const server = serveLoopback(async (req) => {
    const url = new URL(req.url);
    if (url.pathname !== "/v1/responses") return new Response("not found", { status: 404 });
    const body = await req.json();
    mock.requests.push({ body, headers: req.headers });
    served++;
    const reply = nextReply(mock.replies);
    if (reply.status && reply.status >= 400) return Response.json({ error: { message: `mock error ${reply.status}`, type: "server_error" } }, { status: reply.status });
    const id = `resp_mock${served}`;
    const usage = { input_tokens: 31, input_tokens_details: { cached_tokens: 4 }, output_tokens: 6, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 37 };
    const message = reply.text === undefined ? undefined : { id: `msg_mock${served}`, type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text: reply.text, annotations: [] }] };
    const calls = (reply.toolCalls ?? []).map((c, i) => ({ id: `fc_mock${served}_${i}`, type: "function_call", status: "completed", call_id: c.callId, name: c.name, arguments: c.arguments }));
    const output = [...(reply.extraItem ? [reply.extraItem] : []), ...(message ? [message] : []), ...calls];
    const response = (status: string, out: unknown[], u: unknown) => ({
      id,
      object: "response",
      created_at: 1_700_000_100,
      status,
      error: null,
      incomplete_details: null,
      instructions: body.instructions ?? null,
      model: body.model,
      output: out,
      parallel_tool_calls: true,
      previous_response_id: body.previous_response_id ?? null,
      service_tier: "flex",
      tools: body.tools ?? [],
      usage: u,
      metadata: {},
    });
    if (!body.stream) return Response.json(response("completed", output, usage));
    let seq = 0;
    let sent = "";
    mock.streamed.push("");
    const slot = mock.streamed.length - 1;
    const frame = (type: string, data: object) => {
      const text = `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
      sent += text;
      mock.streamed[slot] = sent;
      return enc.encode(text);
    };
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(frame("response.created", { response: response("in_progress", [], null) }));
        controller.enqueue(frame("response.in_progress", { response: response("in_progress", [], null) }));
        let index = 0;
        if (reply.extraItem) {
          controller.enqueue(frame("response.output_item.added", { output_index: index, item: reply.extraItem }));
          controller.enqueue(frame("response.output_item.done", { output_index: index, item: reply.extraItem }));
          index++;
        }
        if (message) {
          const at = { item_id: message.id, output_index: index };
          controller.enqueue(frame("response.output_item.added", { output_index: index, item: { ...message, status: "in_progress", content: [] } }));
          controller.enqueue(frame("response.content_part.added", { ...at, content_index: 0, part: { type: "output_text", text: "", annotations: [] } }));
          for (const piece of reply.text!.split(/(?<= )/)) controller.enqueue(frame("response.output_text.delta", { ...at, content_index: 0, delta: piece, logprobs: [] }));
          controller.enqueue(frame("response.output_text.done", { ...at, content_index: 0, text: reply.text, logprobs: [] }));
          controller.enqueue(frame("response.content_part.done", { ...at, content_index: 0, part: message.content[0] }));
          controller.enqueue(frame("response.output_item.done", { output_index: index, item: message }));
          index++;
        }
        for (const call of calls) {
          const at = { item_id: call.id, output_index: index };
          controller.enqueue(frame("response.output_item.added", { output_index: index, item: { ...call, status: "in_progress", arguments: "" } }));
          controller.enqueue(frame("response.function_call_arguments.delta", { ...at, delta: call.arguments }));
          controller.enqueue(frame("response.function_call_arguments.done", { ...at, arguments: call.arguments }));
          controller.enqueue(frame("response.output_item.done", { output_index: index, item: call }));
          index++;
        }
        controller.enqueue(frame("response.completed", { response: response("completed", output, usage) }));
        controller.close();
      },
    });
    return new Response(stream, { headers: { "content-type": "text/event-stream" } });
  });
  mock.url = `http://127.0.0.1:${server.port}/v1`;
  return mock;
}
