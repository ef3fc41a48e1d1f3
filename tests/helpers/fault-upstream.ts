// A fault-injecting OpenAI-compatible upstream (node:http, so it can also drop connections): each
// chat request takes the next scripted fault, or `otherwise` once the script is used up. Speaks the
// real wire format: JSON completions, SSE chunks with include_usage, GET /v1/models.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Fault =
  | { kind: "ok"; text?: string }
  /** an HTTP error with an OpenAI error body; 529 is Anthropic-style "overloaded" */
  | { kind: "status"; status: number; retryAfter?: string; message?: string }
  /** never answers (the gateway's timeout fires) */
  | { kind: "hang" }
  /** drops the connection before any response */
  | { kind: "reset" }
  /** 200 whose body is not JSON (non-stream) or whose first SSE chunk is not JSON (stream) */
  | { kind: "malformed" }
  /** stream: sends `afterChunks` content chunks, then drops the connection; non-stream: half a JSON body */
  | { kind: "cut"; afterChunks: number; text?: string }
  /** headers at once, the first byte of the body only after `delayMs` */
  | { kind: "slow_first_byte"; delayMs: number; text?: string }
  /** 200 with exactly this JSON body (a reply of the wrong shape) */
  | { kind: "json"; body: unknown }
  /** a complete answer of about `bytes` bytes: non-stream one JSON body (Content-Length unless `chunked`), stream that many bytes of chunks */
  | { kind: "big"; bytes: number; chunked?: boolean }
  /** stream: one content chunk, then an error frame with this message (an upstream failing mid-stream) */
  | { kind: "stream_error"; message: string };

export interface SeenRequest {
  body: any;
  headers: IncomingMessage["headers"];
}

export interface FaultUpstream {
  /** base URL including /v1 */
  url: string;
  name: string;
  requests: SeenRequest[];
  /** faults for the next chat requests, in order */
  script: Fault[];
  /** what every chat request gets once the script is used up */
  otherwise: Fault;
  models: string[];
  modelListRequests: number;
  /** chat requests being answered now, and the most there ever were at once */
  inFlight: number;
  maxInFlight: number;
  stop(): Promise<void>;
}

const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };

function completion(id: string, model: string, text: string) {
  return { id, object: "chat.completion", created: 1_700_000_000, model, choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }], usage };
}

const chunk = (id: string, model: string, delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 1_700_000_000, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (data += c));
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}

export async function startFaultUpstream(name: string, defaultText = `answer from ${name}`): Promise<FaultUpstream> {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  let served = 0;

  const up: FaultUpstream = {
    url: "",
    name,
    requests: [],
    script: [],
    otherwise: { kind: "ok" },
    models: [`${name}-model-1`, `${name}-model-2`],
    modelListRequests: 0,
    inFlight: 0,
    maxInFlight: 0,
    stop: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === "/v1/models") {
      up.modelListRequests++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "list", data: up.models.map((id) => ({ id, object: "model", owned_by: name })) }));
      return;
    }
    // Anthropic's Messages endpoint shares the script (for "json" faults and plain answers)
    const anthropic = path === "/v1/messages";
    if (req.method !== "POST" || (path !== "/v1/chat/completions" && !anthropic)) {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(await readBody(req));
    up.requests.push({ body, headers: req.headers });
    up.inFlight++;
    up.maxInFlight = Math.max(up.maxInFlight, up.inFlight);
    res.once("close", () => up.inFlight--);
    const fault = up.script.shift() ?? up.otherwise;
    const id = `chatcmpl-${name}-${++served}`;
    const model = String(body.model);
    const text = ("text" in fault && fault.text) || defaultText;

    switch (fault.kind) {
      case "json":
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(fault.body));
        return;
      case "stream_error":
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(chunk(id, model, { role: "assistant", content: "partial " }));
        res.end(`data: ${JSON.stringify({ error: { message: fault.message, type: "server_error" } })}\n\n`);
        return;
      case "big": {
        if (body.stream) {
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.write(chunk(id, model, { role: "assistant", content: "" }));
          const piece = chunk(id, model, { content: "x".repeat(16 * 1024) });
          let sent = 0;
          const pump = () => {
            while (sent < fault.bytes && !res.destroyed) {
              sent += piece.length;
              if (!res.write(piece)) return void res.once("drain", pump);
            }
            if (!res.destroyed) {
              res.write(chunk(id, model, {}, "stop"));
              res.end("data: [DONE]\n\n");
            }
          };
          pump();
          return;
        }
        const full = JSON.stringify(completion(id, model, "y".repeat(fault.bytes)));
        res.writeHead(200, { "content-type": "application/json", ...(fault.chunked ? {} : { "content-length": String(Buffer.byteLength(full)) }) });
        if (fault.chunked) {
          for (let i = 0; i < full.length; i += 64 * 1024) res.write(full.slice(i, i + 64 * 1024));
          res.end();
        } else res.end(full);
        return;
      }
      case "hang":
        return;
      case "reset":
        req.socket.destroy();
        return;
      case "status": {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
        const type = fault.status === 429 ? "rate_limit_error" : fault.status === 529 ? "overloaded_error" : fault.status < 500 ? "invalid_request_error" : "server_error";
        res.writeHead(fault.status, headers);
        res.end(JSON.stringify({ error: { message: fault.message ?? `${name} says ${fault.status}`, type } }));
        return;
      }
      case "malformed":
        if (body.stream) {
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.end("data: {this is not json\n\n");
        } else {
          res.writeHead(200, { "content-type": "application/json" });
          res.end("<html>502 Bad Gateway</html>");
        }
        return;
      case "cut":
        if (!body.stream) {
          const full = JSON.stringify(completion(id, model, text));
          res.writeHead(200, { "content-type": "application/json" });
          res.write(full.slice(0, Math.floor(full.length / 2)));
          later(20, () => req.socket.destroy());
          return;
        }
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(chunk(id, model, { role: "assistant", content: "" }));
        for (const word of text.split(/(?<= )/).slice(0, fault.afterChunks)) res.write(chunk(id, model, { content: word }));
        later(50, () => req.socket.destroy());
        return;
      case "slow_first_byte":
        res.writeHead(200, { "content-type": body.stream ? "text/event-stream" : "application/json" });
        res.flushHeaders();
        later(fault.delayMs, () => (body.stream ? sendStream(res, id, model, text, body) : res.end(JSON.stringify(completion(id, model, text)))));
        return;
      case "ok":
        if (anthropic) {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ id: `msg_${served}`, type: "message", role: "assistant", model, content: [{ type: "text", text }], stop_reason: "end_turn", usage: { input_tokens: 12, output_tokens: 5 } }));
          return;
        }
        if (!body.stream) {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify(completion(id, model, text)));
          return;
        }
        res.writeHead(200, { "content-type": "text/event-stream" });
        sendStream(res, id, model, text, body);
        return;
    }
  }

  function sendStream(res: ServerResponse, id: string, model: string, text: string, body: any) {
    if (res.destroyed) return;
    res.write(chunk(id, model, { role: "assistant", content: "" }));
    for (const word of text.split(/(?<= )/)) res.write(chunk(id, model, { content: word }));
    res.write(chunk(id, model, {}, "stop"));
    if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 1_700_000_000, model, choices: [], usage })}\n\n`);
    res.end("data: [DONE]\n\n");
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  up.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return up;
}
