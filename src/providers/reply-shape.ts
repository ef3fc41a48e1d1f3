// What a completed (non-streamed) upstream reply must look like in each protocol. A 200 whose JSON
// has another shape (`{}`, `{"status":"ok"}`, an OpenAI body from an Anthropic endpoint) is a
// malformed reply: retried and fallen back like any 502, never turned into an empty cached answer.
import { GatewayError } from "../pipeline/errors.ts";

export type ReplyProtocol = "openai" | "responses" | "anthropic" | "gemini";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Why the body is not a reply of this protocol, or undefined when it is one. */
export function replyShapeProblem(protocol: ReplyProtocol, json: unknown): string | undefined {
  if (!isObject(json)) return "the body is not a JSON object";
  switch (protocol) {
    case "openai": {
      const choices = json.choices;
      if (!Array.isArray(choices) || choices.length === 0) return "no choices";
      if (!isObject(choices[0]) || !isObject(choices[0].message)) return "choices[0] has no message";
      return undefined;
    }
    case "responses":
      return Array.isArray(json.output) ? undefined : "no output items";
    case "anthropic":
      if (json.type !== undefined && json.type !== "message") return `type is '${String(json.type)}', not 'message'`;
      if (!Array.isArray(json.content)) return "no content blocks";
      return undefined;
    case "gemini": {
      const candidates = json.candidates;
      if (Array.isArray(candidates) && candidates.length > 0 && isObject(candidates[0])) return undefined;
      // a blocked prompt is a real answer with no candidates
      if (isObject(json.promptFeedback) && json.promptFeedback.blockReason !== undefined) return undefined;
      return "no candidates";
    }
  }
}

export function assertReplyShape(provider: string, protocol: ReplyProtocol, json: unknown): void {
  const problem = replyShapeProblem(protocol, json);
  if (problem) throw new GatewayError(502, "upstream", `upstream ${provider} sent a malformed ${protocol} reply (${problem})`, { code: "malformed_upstream_reply" });
}
