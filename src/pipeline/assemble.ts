// Builds a canonical response from stream events (the tee behind every forwarded stream).
import type { ChatResponse, ContentPart, FinishReason, StreamEvent, ToolCall, Usage } from "./types.ts";

export class ResponseAssembler {
  private id = "";
  private model = "";
  private created = 0;
  private text = "";
  private thinking = "";
  private signature: string | undefined;
  private textSignature: string | undefined;
  private readonly calls = new Map<number, ToolCall>();
  private readonly items: ContentPart[] = [];
  private finish: FinishReason | undefined;
  private usage: Usage | undefined;
  private failed = false;

  add(event: StreamEvent): void {
    switch (event.type) {
      case "start":
        this.id = event.id;
        this.model = event.model;
        this.created = event.created;
        break;
      case "text":
        this.text += event.text;
        if (event.signature) this.textSignature = event.signature;
        break;
      case "thinking":
        this.thinking += event.text;
        if (event.signature) this.signature = event.signature;
        break;
      case "tool_call_start":
        this.calls.set(event.index, { id: event.id, name: event.name, arguments: "", ...(event.signature ? { signature: event.signature } : {}) });
        break;
      case "tool_call_delta": {
        const call = this.calls.get(event.index);
        if (call) call.arguments += event.arguments;
        break;
      }
      case "item":
        this.items.push({ type: "opaque", format: event.format, value: event.value });
        break;
      case "finish":
        this.finish = event.finishReason;
        if (event.usage) this.usage = event.usage;
        break;
      case "error":
        this.failed = true;
        break;
    }
  }

  /** The completed response, or undefined when the stream did not finish normally. */
  result(estimate: (text: string) => number): ChatResponse | undefined {
    if (this.failed || !this.finish || this.finish === "error") return undefined;
    const content: ContentPart[] = [];
    if (this.thinking) content.push({ type: "thinking", text: this.thinking, signature: this.signature });
    // items the canonical form has no name for keep their order among themselves, between reasoning and text (as Responses output lists them)
    content.push(...this.items);
    if (this.text || this.textSignature) content.push({ type: "text", text: this.text, ...(this.textSignature ? { signature: this.textSignature } : {}) });
    const toolCalls = [...this.calls.entries()].sort(([a], [b]) => a - b).map(([, c]) => c);
    return {
      id: this.id,
      created: this.created,
      model: this.model,
      message: { role: "assistant", content, ...(toolCalls.length ? { toolCalls } : {}) },
      finishReason: this.finish,
      usage: this.usage ?? { inputTokens: 0, outputTokens: estimate(this.text + this.thinking) },
    };
  }
}
