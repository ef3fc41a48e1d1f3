// Canonical stream events → the Responses API event sequence: response.created, response.in_progress,
// then per output item output_item.added … (content_part / deltas) … output_item.done, then
// response.completed (or response.incomplete), each with a running sequence_number.
import type { ErrorKind } from "../pipeline/errors.ts";
import type { ChatRequest, FinishReason, StreamEvent, Usage } from "../pipeline/types.ts";
import { functionCallItem, itemIds, messageItem, outputTextPart, reasoningItem, responseId, responseObject } from "./responses-render.ts";
import { openAIErrorType } from "./openai.ts";
import { declaredNamespaces, splitNamespaced } from "./responses-parse.ts";
import { isObject, type Json } from "./validate.ts";

export interface ResponsesFrame {
  event: string;
  data: Json;
}

type OpenItem =
  | { kind: "reasoning"; index: number; id: string; text: string; signature?: string }
  | { kind: "message"; index: number; id: string; text: string }
  | { kind: "call"; index: number; id: string; callId: string; name: string; args: string; signature?: string };

const callOf = (item: Extract<OpenItem, { kind: "call" }>) => ({ id: item.callId, name: item.name, arguments: item.args, signature: item.signature });

export class ResponsesEventWriter {
  private seq = 0;
  private meta = { id: "", created: 0, model: "" };
  private readonly output: Json[] = [];
  private open: OpenItem | undefined;
  private calls = 0;
  /** canonical tool index → the function_call item it streams into */
  private readonly callItems = new Map<number, Extract<OpenItem, { kind: "call" }>>();
  /** the final Response object, once response.completed / response.incomplete was written */
  final: Json | undefined;
  private readonly namespaces: string[];

  constructor(
    private readonly req: ChatRequest,
    private readonly previousResponseId: string | undefined,
  ) {
    this.meta.model = req.model;
    this.namespaces = declaredNamespaces(req.source.body);
  }

  private frame(event: string, data: Json, out: ResponsesFrame[]): void {
    out.push({ event, data: { type: event, sequence_number: this.seq++, ...data } });
  }

  private response(end?: { finish: FinishReason; usage: Usage }): Json {
    return responseObject(this.req, { ...this.meta, previousResponseId: this.previousResponseId }, [...this.output], end);
  }

  private openItem(item: OpenItem, added: Json, out: ResponsesFrame[]): void {
    this.close(out);
    this.open = item;
    this.frame("response.output_item.added", { output_index: item.index, item: added }, out);
  }

  private close(out: ResponsesFrame[]): void {
    const item = this.open;
    if (!item) return;
    this.open = undefined;
    const at = { item_id: item.id, output_index: item.index };
    let done: Json;
    if (item.kind === "reasoning") {
      if (item.text) {
        this.frame("response.reasoning_summary_text.done", { ...at, summary_index: 0, text: item.text }, out);
        this.frame("response.reasoning_summary_part.done", { ...at, summary_index: 0, part: { type: "summary_text", text: item.text } }, out);
      }
      done = reasoningItem(item.id, item.text, item.signature);
    } else if (item.kind === "message") {
      this.frame("response.output_text.done", { ...at, content_index: 0, text: item.text, logprobs: [] }, out);
      this.frame("response.content_part.done", { ...at, content_index: 0, part: outputTextPart(item.text) }, out);
      done = messageItem(item.id, item.text);
    } else {
      this.frame("response.function_call_arguments.done", { ...at, name: splitNamespaced(item.name, this.namespaces).name, arguments: item.args }, out);
      done = functionCallItem(item.id, callOf(item), this.namespaces);
    }
    this.output[item.index] = done;
    this.frame("response.output_item.done", { output_index: item.index, item: done }, out);
  }

  private openMessage(id: string, out: ResponsesFrame[]): void {
    const index = this.nextIndex();
    this.openItem({ kind: "message", index, id, text: "" }, { ...messageItem(id, "", "in_progress"), content: [] }, out);
    this.frame("response.content_part.added", { item_id: id, output_index: index, content_index: 0, part: outputTextPart("") }, out);
  }

  private nextIndex(): number {
    this.output.push({});
    return this.output.length - 1;
  }

  write(e: StreamEvent): ResponsesFrame[] {
    const out: ResponsesFrame[] = [];
    const ids = itemIds(this.meta.id || "resp_");
    switch (e.type) {
      case "start":
        this.meta = { id: responseId(e.id), created: e.created, model: e.model || this.meta.model };
        this.frame("response.created", { response: this.response() }, out);
        this.frame("response.in_progress", { response: this.response() }, out);
        break;
      case "thinking": {
        if (this.open?.kind !== "reasoning") {
          const index = this.nextIndex();
          this.openItem({ kind: "reasoning", index, id: ids.reasoning, text: "" }, reasoningItem(ids.reasoning, "", undefined), out);
        }
        const item = this.open as Extract<OpenItem, { kind: "reasoning" }>;
        if (e.text) {
          const at = { item_id: item.id, output_index: item.index, summary_index: 0 };
          if (!item.text) this.frame("response.reasoning_summary_part.added", { ...at, part: { type: "summary_text", text: "" } }, out);
          item.text += e.text;
          this.frame("response.reasoning_summary_text.delta", { ...at, delta: e.text }, out);
        }
        if (e.signature) item.signature = e.signature;
        break;
      }
      case "text": {
        if (!e.text) break;
        if (this.open?.kind !== "message") this.openMessage(ids.message, out);
        const item = this.open as Extract<OpenItem, { kind: "message" }>;
        item.text += e.text;
        this.frame("response.output_text.delta", { item_id: item.id, output_index: item.index, content_index: 0, delta: e.text, logprobs: [] }, out);
        break;
      }
      case "tool_call_start": {
        const index = this.nextIndex();
        const item = { kind: "call" as const, index, id: ids.call(this.calls++), callId: e.id, name: e.name, args: "", ...(e.signature ? { signature: e.signature } : {}) };
        this.callItems.set(e.index, item);
        this.openItem(item, functionCallItem(item.id, callOf(item), this.namespaces, "in_progress"), out);
        break;
      }
      case "tool_call_delta": {
        const item = this.callItems.get(e.index);
        if (!item || !e.arguments) break;
        item.args += e.arguments;
        if (this.open === item) this.frame("response.function_call_arguments.delta", { item_id: item.id, output_index: item.index, delta: e.arguments }, out);
        else this.output[item.index] = functionCallItem(item.id, callOf(item), this.namespaces);
        break;
      }
      case "item": {
        if (e.format !== "responses" || !isObject(e.value)) break;
        this.close(out);
        const index = this.nextIndex();
        this.output[index] = e.value;
        this.frame("response.output_item.added", { output_index: index, item: e.value }, out);
        this.frame("response.output_item.done", { output_index: index, item: e.value }, out);
        break;
      }
      case "finish": {
        // an answer with nothing in it is still one (empty) message, as in the non-streamed answer
        if (this.output.length === 0) this.openMessage(ids.message, out);
        this.close(out);
        const usage = e.usage ?? { inputTokens: 0, outputTokens: 0 };
        this.final = this.response({ finish: e.finishReason, usage });
        this.frame(this.final.status === "completed" ? "response.completed" : "response.incomplete", { response: this.final }, out);
        break;
      }
      case "error":
        this.frame("error", { code: openAIErrorType(e.errorType as ErrorKind), message: e.message, param: null }, out);
        break;
    }
    return out;
  }
}
