// A mock OpenAI Chat Completions server speaking the real wire format (JSON and SSE), with scripted
// replies, delays, errors and a gate that holds a stream after its first chunk.
import { nextReply, serveLoopback } from "./mock-server.ts";

export interface MockReply {
  status?: number;
  /** non-2xx body (JSON) */
  errorBody?: unknown;
  headers?: Record<string, string>;
  text?: string;
  toolCalls?: { id: string; name: string; arguments: string }[];
  /** stream: split the text into these pieces (default: words) */
  pieces?: string[];
  /** wait this long before answering (ms) */
  delayMs?: number;
  /** stream: wait for this promise after the first content chunk */
  holdAfterFirst?: Promise<void>;
  /** stream: stop sending after this many content chunks and close the connection (no finish) */
  cutAfter?: number;
  /** stream: after the first content chunk send an OpenAI error frame with this message and close */
  errorMidStream?: string;
}

export interface MockUpstream {
  url: string;
  requests: { body: any; headers: Headers }[];
  /** replies consumed in order; the last one repeats (assign a new array to script the next requests) */
  replies: MockReply[];
  /** when set, picks the reply from the request itself (clients that send side requests in varying order); undefined falls back to replies */
  respond?: (body: any) => MockReply | undefined;
  stop(): void;
}

const enc = new TextEncoder();

export function startMockOpenAI(replies: MockReply[] = [{ text: "Hello from upstream" }]): MockUpstream {
  const mock: MockUpstream = { url: "", requests: [], replies, stop: () => server.stop(true) };
  let served = 0;
  const server = serveLoopback(async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/v1/models") return Response.json({ object: "list", data: [{ id: "gpt-4o-mini", object: "model" }] });
    if (url.pathname !== "/v1/chat/completions") return new Response("not found", { status: 404 });
    const body = await req.json();
    mock.requests.push({ body, headers: req.headers });
    served++;
    const reply = mock.respond?.(body) ?? nextReply(mock.replies);
    if (reply.delayMs) await Bun.sleep(reply.delayMs);
    if (reply.status && reply.status >= 400) {
      return Response.json(reply.errorBody ?? { error: { message: `mock error ${reply.status}`, type: "server_error" } }, {
        status: reply.status,
        headers: reply.headers,
      });
    }
    const id = `chatcmpl-mock${served}`;
    const model = body.model;
    const created = 1_700_000_000;
    const finish = reply.toolCalls ? "tool_calls" : "stop";
    const usage = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 };
    if (!body.stream) {
      return Response.json({
        id,
        object: "chat.completion",
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: reply.toolCalls ? null : (reply.text ?? ""),
              ...(reply.toolCalls ? { tool_calls: reply.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })) } : {}),
            },
            finish_reason: finish,
          },
        ],
        usage,
      });
    }
    const chunk = (delta: object, finish_reason: string | null = null) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason }] })}\n\n`;
    const pieces = reply.pieces ?? (reply.text ?? "").split(/(?<= )/);
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(enc.encode(chunk({ role: "assistant", content: "" })));
        let sent = 0;
        for (const piece of pieces) {
          controller.enqueue(enc.encode(chunk({ content: piece })));
          sent++;
          if (sent === 1 && reply.holdAfterFirst) await reply.holdAfterFirst;
          if (reply.errorMidStream) {
            controller.enqueue(enc.encode(`data: ${JSON.stringify({ error: { message: reply.errorMidStream, type: "server_error" } })}\n\n`));
            controller.close();
            return;
          }
          if (reply.cutAfter !== undefined && sent >= reply.cutAfter) {
            controller.close();
            return;
          }
        }
        (reply.toolCalls ?? []).forEach((c, index) => {
          controller.enqueue(enc.encode(chunk({ tool_calls: [{ index, id: c.id, type: "function", function: { name: c.name, arguments: "" } }] })));
          controller.enqueue(enc.encode(chunk({ tool_calls: [{ index, function: { arguments: c.arguments } }] })));
        });
        controller.enqueue(enc.encode(chunk({}, finish)));
        if (body.stream_options?.include_usage) {
          controller.enqueue(enc.encode(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage })}\n\n`));
        }
        controller.enqueue(enc.encode("data: [DONE]\n\n"));
        controller.close();
      },
    });
    return new Response(stream, { headers: { "content-type": "text/event-stream" } });
  });
  mock.url = `http://127.0.0.1:${server.port}/v1`;
  return mock;
}
