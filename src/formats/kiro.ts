// Kiro (AWS's IDE): OpenAI Chat Completions on /v1/chat/completions, told apart by its X-Kiro-* headers.
import type { WireFormat } from "./format.ts";
import { inNamespace } from "./ide-namespace.ts";
import { openaiFormat, parseOpenAIRequest } from "./openai.ts";

const KIRO_HEADERS = ["x-kiro-version", "x-kiro-client-id"];

export const isKiroRequest = (headers: Headers) => KIRO_HEADERS.some((h) => headers.has(h));

/** OpenAI's body and responses; the request keeps source format "openai" so OpenAI upstreams get it verbatim. */
export const kiroFormat: WireFormat = {
  ...openaiFormat,
  name: "kiro",
  parse: (body) => inNamespace(parseOpenAIRequest(body), "kiro"),
};
