// A mock Anthropic Messages server speaking the real wire format (JSON and SSE event sequence).
import { nextReply, serveLoopback } from "./mock-server.ts";

export interface MockAnthropicReply {
  status?: number;
  errorBody?: unknown;
  text?: string;
  thinking?: { text: string; signature: string };
  toolCalls?: { id: string; name: string; input: Record<string, unknown> }[];
  /** stream: split the text into these pieces (default: words) */
  pieces?: string[];
  stopReason?: string;
  stopSequence?: string;
  /** stream: wait for this promise after the first text delta */
  holdAfterFirst?: Promise<void>;
  /** stream: close the connection after message_delta, without message_stop */
  cutBeforeStop?: boolean;
  /** stream: send an error event after the first text delta */
  errorMidStream?: { type: string; message: string };
  /** usage to report instead of the default (e.g. with prompt-cache counts) */
  usage?: Record<string, number>;
  /** content blocks of a type the gateway has no name for, sent after the text (non-stream) */
  extraBlocks?: Record<string, unknown>[];
}

export interface MockAnthropic {
  url: string;
  requests: { body: any; headers: Headers; search: string }[];
  /** every SSE body sent, as text, in order */
  streamed: string[];
  replies: MockAnthropicReply[];
  /** when set, picks the reply from the request itself (clients that send side requests in varying order); undefined falls back to replies */
  respond?: (body: any) => MockAnthropicReply | undefined;
  stop(): void;
}

const enc = new TextEncoder();
const frameText = (event: string, data: object) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export function startMockAnthropic(replies: MockAnthropicReply[] = [{ text: "Hello from Claude" }]): MockAnthropic {
  const mock: MockAnthropic = { url: "", requests: [], streamed: [], replies, stop: () => server.stop(true) };
  let served = 0;
  const server = serveLoopback(async (req) => {
    const url = new URL(req.url);
    if (url.pathname !== "/v1/messages") return new Response("not found", { status: 404 });
    const body = await req.json();
    mock.requests.push({ body, headers: req.headers, search: url.search });
    served++;
    const reply = mock.respond?.(body) ?? nextReply(mock.replies);
    if (reply.status && reply.status >= 400) {
      return Response.json(reply.errorBody ?? { type: "error", error: { type: "api_error", message: `mock error ${reply.status}` } }, { status: reply.status });
    }
    const id = `msg_mock${served}`;
    const stopReason = reply.stopReason ?? (reply.toolCalls ? "tool_use" : "end_turn");
    const usage = reply.usage ?? { input_tokens: 21, output_tokens: 9, cache_read_input_tokens: 0 };
    if (!body.stream) {
      const content: object[] = [];
      if (reply.thinking) content.push({ type: "thinking", thinking: reply.thinking.text, signature: reply.thinking.signature });
      if (reply.text !== undefined) content.push({ type: "text", text: reply.text });
      for (const c of reply.toolCalls ?? []) content.push({ type: "tool_use", id: c.id, name: c.name, input: c.input });
      content.push(...(reply.extraBlocks ?? []));
      return Response.json({
        id,
        type: "message",
        role: "assistant",
        model: body.model,
        content,
        stop_reason: stopReason,
        stop_sequence: reply.stopSequence ?? null,
        usage,
      });
    }
    let sent = "";
    mock.streamed.push("");
    const slot = mock.streamed.length - 1;
    const frame = (event: string, data: object) => {
      const text = frameText(event, data);
      sent += text;
      mock.streamed[slot] = sent;
      return enc.encode(text);
    };
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(
          frame("message_start", {
            type: "message_start",
            message: { id, type: "message", role: "assistant", model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
          }),
        );
        controller.enqueue(frame("ping", { type: "ping" }));
        let index = 0;
        if (reply.thinking) {
          controller.enqueue(frame("content_block_start", { type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } }));
          controller.enqueue(frame("content_block_delta", { type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: reply.thinking.text } }));
          controller.enqueue(frame("content_block_delta", { type: "content_block_delta", index, delta: { type: "signature_delta", signature: reply.thinking.signature } }));
          controller.enqueue(frame("content_block_stop", { type: "content_block_stop", index }));
          index++;
        }
        if (reply.text !== undefined) {
          controller.enqueue(frame("content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } }));
          for (const piece of reply.pieces ?? reply.text.split(/(?<= )/)) {
            controller.enqueue(frame("content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: piece } }));
            if (reply.holdAfterFirst) await reply.holdAfterFirst;
            if (reply.errorMidStream) {
              controller.enqueue(frame("error", { type: "error", error: reply.errorMidStream }));
              controller.close();
              return;
            }
          }
          controller.enqueue(frame("content_block_stop", { type: "content_block_stop", index }));
          index++;
        }
        for (const c of reply.toolCalls ?? []) {
          controller.enqueue(frame("content_block_start", { type: "content_block_start", index, content_block: { type: "tool_use", id: c.id, name: c.name, input: {} } }));
          const json = JSON.stringify(c.input);
          const half = Math.floor(json.length / 2);
          for (const part of [json.slice(0, half), json.slice(half)]) {
            controller.enqueue(frame("content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: part } }));
          }
          controller.enqueue(frame("content_block_stop", { type: "content_block_stop", index }));
          index++;
        }
        controller.enqueue(
          frame("message_delta", { type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: reply.stopSequence ?? null }, usage: { output_tokens: usage.output_tokens } }),
        );
        if (!reply.cutBeforeStop) controller.enqueue(frame("message_stop", { type: "message_stop" }));
        controller.close();
      },
    });
    return new Response(stream, { headers: { "content-type": "text/event-stream" } });
  });
  mock.url = `http://127.0.0.1:${server.port}/v1`;
  return mock;
}
