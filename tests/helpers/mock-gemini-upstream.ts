// A mock Gemini API speaking the real wire format: generateContent JSON and streamGenerateContent?alt=sse.
import { nextReply, serveLoopback } from "./mock-server.ts";

export interface MockGeminiReply {
  status?: number;
  errorBody?: unknown;
  text?: string;
  functionCalls?: { name: string; args: Record<string, unknown>; id?: string; thoughtSignature?: string }[];
  /** a thoughtSignature on the (last) text part, as Gemini 2.5+/3 send it */
  textSignature?: string;
  /** stream: split the text into these pieces (default: words) */
  pieces?: string[];
  finishReason?: string;
}

export interface MockGemini {
  /** API root including the version, as GeminiClient expects it */
  url: string;
  requests: { body: any; headers: Headers; path: string; search: string }[];
  replies: MockGeminiReply[];
  /** when set, picks the reply from the request itself (clients that send side requests in varying order); undefined falls back to replies */
  respond?: (body: any) => MockGeminiReply | undefined;
  stop(): void;
}

const enc = new TextEncoder();
const usageMetadata = { promptTokenCount: 13, candidatesTokenCount: 5, totalTokenCount: 18 };

export function startMockGemini(replies: MockGeminiReply[] = [{ text: "Hello from Gemini" }]): MockGemini {
  const mock: MockGemini = { url: "", requests: [], replies, stop: () => server.stop(true) };
  let served = 0;
  const server = serveLoopback(async (req) => {
    const url = new URL(req.url);
    const m = /^\/v1beta\/models\/([^:]+):(generateContent|streamGenerateContent)$/.exec(url.pathname);
    if (!m) return Response.json({ error: { code: 404, message: "not found", status: "NOT_FOUND" } }, { status: 404 });
    const body = await req.json();
    mock.requests.push({ body, headers: req.headers, path: url.pathname, search: url.search });
    served++;
    const reply = mock.respond?.(body) ?? nextReply(mock.replies);
    if (reply.status && reply.status >= 400) {
      return Response.json(reply.errorBody ?? { error: { code: reply.status, message: `mock error ${reply.status}`, status: "INTERNAL" } }, { status: reply.status });
    }
    const responseId = `gem-mock${served}`;
    const modelVersion = decodeURIComponent(m[1]!);
    const finishReason = reply.finishReason ?? "STOP";
    const calls = (reply.functionCalls ?? []).map(({ thoughtSignature, ...c }) => ({ functionCall: c, ...(thoughtSignature ? { thoughtSignature } : {}) }));
    const signed = (text: string) => ({ text, ...(reply.textSignature ? { thoughtSignature: reply.textSignature } : {}) });
    const chunk = (parts: object[], last: boolean) =>
      JSON.stringify({
        candidates: [{ content: { role: "model", parts }, ...(last ? { finishReason } : {}), index: 0 }],
        ...(last ? { usageMetadata } : {}),
        modelVersion,
        responseId,
      });
    if (m[2] === "generateContent") {
      const parts = [...(reply.text !== undefined ? [signed(reply.text)] : []), ...calls];
      return new Response(chunk(parts, true), { headers: { "content-type": "application/json" } });
    }
    const pieces = reply.pieces ?? (reply.text ?? "").split(/(?<= )/).filter(Boolean);
    const frames = pieces.map((p, i) => chunk([i === pieces.length - 1 ? signed(p) : { text: p }], i === pieces.length - 1 && calls.length === 0));
    if (calls.length) frames.push(chunk(calls, true));
    if (frames.length === 0) frames.push(chunk([{ text: "" }], true));
    if (url.searchParams.get("alt") !== "sse") return new Response(`[${frames.join(",\r\n")}]`, { headers: { "content-type": "application/json" } });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const f of frames) controller.enqueue(enc.encode(`data: ${f}\r\n\r\n`));
        controller.close();
      },
    });
    return new Response(stream, { headers: { "content-type": "text/event-stream" } });
  });
  mock.url = `http://127.0.0.1:${server.port}/v1beta`;
  return mock;
}
