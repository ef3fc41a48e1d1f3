// Isartor's own minimal endpoint (POST /api/chat): {"prompt", "model"?} → {"layer", "message", "model"}.
import type { GatewayError } from "../pipeline/errors.ts";
import type { WireFormat } from "./format.ts";
import { sseFrame } from "./sse.ts";
import { expectObject, expectString, optionalBoolean } from "./validate.ts";

const text = (parts: { type: string; text?: string }[]) => parts.flatMap((p) => (p.type === "text" ? [p.text!] : [])).join("");

export const nativeFormat: WireFormat = {
  name: "native",
  parse(body) {
    const b = expectObject(body, "body");
    const prompt = expectString(b.prompt, "prompt", { nonEmpty: true });
    const model = b.model === undefined || b.model === null ? "" : expectString(b.model, "model");
    return {
      model,
      system: [],
      messages: [{ role: "user", content: [{ type: "text", text: prompt }] }],
      params: {},
      stream: optionalBoolean(b.stream, "stream") ?? false,
      extra: {},
      source: { format: "native", body },
    };
  },
  render(res, _req, meta) {
    return { layer: meta.layer, message: text(res.message.content), model: res.model };
  },
  streamContentType: () => "text/event-stream; charset=utf-8",
  async *renderStream(chunks, req, meta) {
    let model = req.model;
    for await (const chunk of chunks) {
      for (const e of chunk.events) {
        if (e.type === "start") model = e.model || model;
        else if (e.type === "text") yield sseFrame(JSON.stringify({ layer: meta.layer, delta: e.text, model }));
        else if (e.type === "error") return yield sseFrame(JSON.stringify({ error: { type: e.errorType, message: e.message } }), "error");
      }
    }
    yield sseFrame("[DONE]");
  },
  renderError(err: GatewayError) {
    return { error: { type: err.kind, message: err.message, ...(err.extra.param ? { param: err.extra.param } : {}) } };
  },
};
