// Canonical response, stream events and errors → Anthropic Messages wire format.
import type { ErrorKind, GatewayError } from "../pipeline/errors.ts";
import type { ChatResponse, FinishReason, StreamEvent, Usage } from "../pipeline/types.ts";
import { anthropicUsage, partsToBlocks, stopReasonFor, toolUseBlock } from "./anthropic-blocks.ts";
import { isObject, type Json } from "./validate.ts";

export function renderAnthropicResponse(res: ChatResponse): Json {
  // an Anthropic upstream's own answer keeps every field and block type it had (only the id and model are this answer's)
  if (res.wire?.format === "anthropic" && isObject(res.wire.body)) return { ...res.wire.body, id: res.id, model: res.model };
  return {
    id: res.id,
    type: "message",
    role: "assistant",
    model: res.model,
    content: [...partsToBlocks(res.message.content), ...(res.message.toolCalls ?? []).map(toolUseBlock)],
    stop_reason: stopReasonFor(res.finishReason, res.stopSequence),
    stop_sequence: res.stopSequence ?? null,
    usage: anthropicUsage(res.usage),
  };
}

const ERROR_TYPE: Record<ErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "not_found_error",
  payload_too_large: "request_too_large",
  rate_limit: "rate_limit_error",
  overloaded: "overloaded_error",
  upstream: "api_error",
  timeout: "timeout_error",
  unavailable: "overloaded_error",
  internal: "api_error",
};

export function anthropicErrorBody(kind: ErrorKind, message: string): Json {
  return { type: "error", error: { type: ERROR_TYPE[kind] ?? "api_error", message } };
}

export function renderAnthropicError(err: GatewayError): Json {
  return anthropicErrorBody(err.kind, err.message);
}

type Frame = { event: string; data: Json };

/**
 * Canonical events → Anthropic SSE events. Blocks open as their first delta arrives and close when a
 * different block starts, so text, thinking and each tool call get their own content block index.
 */
export class AnthropicEventWriter {
  private blockIndex = -1;
  /** what the open block is: "text", "thinking" or "tool:<canonical index>" */
  private open: string | undefined;
  private readonly toolBlocks = new Map<number, number>();
  private inputTokens = 0;

  constructor(
    private readonly fallbackModel: string,
    private readonly estimateInput: () => number,
  ) {}

  private startBlock(key: string, block: Json, out: Frame[]): number {
    this.closeBlock(out);
    this.blockIndex++;
    this.open = key;
    out.push({ event: "content_block_start", data: { type: "content_block_start", index: this.blockIndex, content_block: block } });
    return this.blockIndex;
  }

  private closeBlock(out: Frame[]): void {
    if (this.open === undefined) return;
    out.push({ event: "content_block_stop", data: { type: "content_block_stop", index: this.blockIndex } });
    this.open = undefined;
  }

  private delta(index: number, delta: Json): Frame {
    return { event: "content_block_delta", data: { type: "content_block_delta", index, delta } };
  }

  write(e: StreamEvent): Frame[] {
    const out: Frame[] = [];
    switch (e.type) {
      case "start": {
        // a replay knows the real usage; only a live translated stream has to estimate the input here
        const startUsage = e.usage ? anthropicUsage(e.usage) : { input_tokens: this.estimateInput(), cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
        this.inputTokens = Number(startUsage.input_tokens);
        out.push({
          event: "message_start",
          data: {
            type: "message_start",
            message: {
              id: e.id,
              type: "message",
              role: "assistant",
              model: e.model || this.fallbackModel,
              content: [],
              stop_reason: null,
              stop_sequence: null,
              usage: { ...startUsage, output_tokens: 1 },
            },
          },
        });
        out.push({ event: "ping", data: { type: "ping" } });
        break;
      }
      case "text":
        if (!e.text) break;
        if (this.open !== "text") this.startBlock("text", { type: "text", text: "" }, out);
        out.push(this.delta(this.blockIndex, { type: "text_delta", text: e.text }));
        break;
      case "thinking":
        if (this.open !== "thinking") this.startBlock("thinking", { type: "thinking", thinking: "", signature: "" }, out);
        if (e.text) out.push(this.delta(this.blockIndex, { type: "thinking_delta", thinking: e.text }));
        if (e.signature) out.push(this.delta(this.blockIndex, { type: "signature_delta", signature: e.signature }));
        break;
      case "tool_call_start":
        this.toolBlocks.set(e.index, this.startBlock(`tool:${e.index}`, { type: "tool_use", id: e.id, name: e.name, input: {} }, out));
        break;
      case "tool_call_delta": {
        const index = this.toolBlocks.get(e.index);
        if (index !== undefined && e.arguments) out.push(this.delta(index, { type: "input_json_delta", partial_json: e.arguments }));
        break;
      }
      case "finish":
        this.closeBlock(out);
        out.push({ event: "message_delta", data: messageDelta(e.finishReason, e.usage, this.inputTokens) });
        out.push({ event: "message_stop", data: { type: "message_stop" } });
        break;
      case "error":
        out.push({ event: "error", data: anthropicErrorBody(e.errorType as ErrorKind, e.message) });
        break;
    }
    return out;
  }
}

function messageDelta(finish: FinishReason, usage: Usage | undefined, estimatedInput: number): Json {
  const u = usage ? anthropicUsage(usage) : { input_tokens: estimatedInput, output_tokens: 0 };
  return { type: "message_delta", delta: { stop_reason: stopReasonFor(finish), stop_sequence: null }, usage: u };
}
