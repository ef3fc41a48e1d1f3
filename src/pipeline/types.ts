// Canonical request/response/stream types. Every wire format translates to and from these;
// every pipeline layer reads and writes only these.

export type FormatName = "native" | "openai" | "anthropic" | "gemini" | "cursor" | "kiro" | "responses";
export type LayerName = "l0" | "l0.5" | "l1a" | "l1b" | "l2" | "l2.5" | "l3";
export type Role = "system" | "user" | "assistant" | "tool";

export type ContentPart =
  /** signature: an opaque token the provider attached to this part (Gemini thoughtSignature), sent back as-is */
  | { type: "text"; text: string; signature?: string }
  /** url is either an http(s) URL or a data: URL; mediaType when known. */
  | { type: "image"; url: string; mediaType?: string; detail?: string }
  /** Reasoning produced by the model (Anthropic thinking blocks); signature kept for replay. */
  | { type: "thinking"; text: string; signature?: string }
  /** A part a format keeps but the canonical model has no name for (kept verbatim for the cache key and passthrough). */
  | { type: "opaque"; format: FormatName; value: unknown };

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text exactly as produced by the model. */
  arguments: string;
  /** opaque token the provider attached to the call (Gemini thoughtSignature), sent back as-is */
  signature?: string;
}

export interface Message {
  role: Role;
  content: ContentPart[];
  /** assistant messages: calls the model made */
  toolCalls?: ToolCall[];
  /** tool messages: which call this answers */
  toolCallId?: string;
  /** optional participant/tool name */
  name?: string;
  /** tool messages: the tool reported a failure (Anthropic tool_result is_error) */
  isError?: boolean;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON schema of the arguments */
  parameters?: unknown;
}

/** "auto" | "none" | "required" | a specific tool name, or the raw format-specific value. */
export type ToolChoice = "auto" | "none" | "required" | { name: string };

export interface GenerationParams {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxTokens?: number;
  seed?: number;
  stop?: string[];
  n?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
}

export interface ChatRequest {
  /** model as the caller named it */
  model: string;
  /** system prompt(s), kept apart from the turns so every format can place them */
  system: ContentPart[];
  messages: Message[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** OpenAI response_format / Gemini responseSchema etc., passed through untouched */
  responseFormat?: unknown;
  params: GenerationParams;
  stream: boolean;
  /**
   * Fields of the inbound body the canonical form does not model (metadata, thinking config, logprobs,
   * cache_control, …). Same-format upstreams send them on unchanged; they also enter the cache key.
   */
  extra: Record<string, unknown>;
  /** the caller's wire format and body, so a same-format upstream can forward it without loss */
  source: { format: FormatName; body: unknown };
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "error";

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** tokens the provider served from its own prompt cache, when reported */
  cachedInputTokens?: number;
  /** tokens written to the provider's prompt cache (Anthropic cache_creation_input_tokens), when reported */
  cacheCreationInputTokens?: number;
  /** part of outputTokens spent on reasoning, when reported */
  reasoningTokens?: number;
}

export interface ChatResponse {
  id: string;
  /** unix seconds */
  created: number;
  model: string;
  message: Message;
  finishReason: FinishReason;
  /** which of the request's stop sequences ended the answer, when the provider says */
  stopSequence?: string;
  usage: Usage;
  /**
   * The upstream's own answer, as received, when it spoke a known wire format: a caller of that same
   * format gets it back with only id, created and model replaced (fields the canonical form has no name for survive).
   */
  wire?: { format: FormatName; body: unknown };
}

/** Canonical stream events, in order: start, then any deltas, then finish (or error). */
export type StreamEvent =
  /** usage: known in advance (a replayed answer), so renderers need not estimate the input */
  | { type: "start"; id: string; model: string; created: number; usage?: Usage }
  | { type: "text"; text: string; signature?: string }
  | { type: "thinking"; text: string; signature?: string }
  | { type: "tool_call_start"; index: number; id: string; name: string; signature?: string }
  | { type: "tool_call_delta"; index: number; arguments: string }
  /** an output item the canonical form has no name for (a Responses built-in tool call), passed on whole; formats that cannot show it skip it */
  | { type: "item"; format: FormatName; value: unknown }
  | { type: "finish"; finishReason: FinishReason; usage?: Usage }
  | { type: "error"; status: number; errorType: string; message: string };

/**
 * One unit read from an upstream stream: the canonical events it carries and, when the upstream
 * spoke a known wire format, the raw SSE frame so a same-format caller gets it byte-for-byte.
 */
export interface StreamChunk {
  events: StreamEvent[];
  /** frame null: this chunk has no frame of its own for a same-format caller (already sent, or to hide) */
  raw?: { format: FormatName; frame: string | null };
}

export type ChatStream = AsyncIterable<StreamChunk>;
