// Cursor: OpenAI Chat Completions on /v1/chat/completions, told apart by the headers Cursor adds.
import type { WireFormat } from "./format.ts";
import { inNamespace } from "./ide-namespace.ts";
import { openaiFormat, parseOpenAIRequest } from "./openai.ts";

const CURSOR_HEADERS = ["x-cursor-checksum", "x-cursor-client-version", "x-ghost-mode"];

export const isCursorRequest = (headers: Headers) => CURSOR_HEADERS.some((h) => headers.has(h));

/**
 * The body and responses are exactly OpenAI's, so the request keeps source format "openai": an OpenAI
 * upstream receives it verbatim and its stream frames pass through unchanged.
 */
export const cursorFormat: WireFormat = {
  ...openaiFormat,
  name: "cursor",
  parse: (body) => inNamespace(parseOpenAIRequest(body), "cursor"),
};
