// A provider's signature on a function call (Gemini thoughtSignature) carried inside the call id, for wire
// formats whose function calls have no field for it (the Responses API, Chat Completions). Every client
// sends the call id back unchanged (it must, to match the tool output), so the signature survives the round
// trip with no server-side state: across restarts, replicas and cache replays. The separator is the one
// LiteLLM uses; signatures are base64, so it cannot occur inside one.
const SEPARATOR = "__thought__";

export function callIdWithSignature(id: string, signature: string | undefined): string {
  return signature ? `${id}${SEPARATOR}${signature}` : id;
}

/** A call id as a client sent it back → the provider's id and the signature it carried, if any. */
export function splitCallId(callId: string): { id: string; signature?: string } {
  const at = callId.indexOf(SEPARATOR);
  if (at <= 0) return { id: callId };
  const signature = callId.slice(at + SEPARATOR.length);
  return signature ? { id: callId.slice(0, at), signature } : { id: callId.slice(0, at) };
}

const hasSignature = (v: unknown): v is string => typeof v === "string" && v.indexOf(SEPARATOR) > 0;

/**
 * A same-format body forwarded to an upstream that is not the one that signed its calls (OpenAI after a
 * Gemini turn): call ids lose the carried signature, which only Gemini reads and which OpenAI rejects as an
 * over-long id. Chat Completions `messages[].tool_calls[].id` / `tool_call_id`, Responses `input[].call_id`.
 * Returns the same array, untouched and uncopied, when nothing carries a signature (the usual case).
 */
export function withoutCallSignatures<T>(list: T): T {
  if (!Array.isArray(list) || !list.some(carriesSignature)) return list;
  const strip = (id: unknown) => (hasSignature(id) ? splitCallId(id).id : id);
  return list.map((entry) => {
    if (!carriesSignature(entry)) return entry;
    const e = entry as Record<string, unknown>;
    const copy: Record<string, unknown> = { ...e };
    if ("tool_call_id" in e) copy.tool_call_id = strip(e.tool_call_id);
    if ("call_id" in e) copy.call_id = strip(e.call_id);
    if (Array.isArray(e.tool_calls)) copy.tool_calls = e.tool_calls.map((c) => (hasSignature((c as { id?: unknown } | null)?.id) ? { ...(c as object), id: strip((c as { id: unknown }).id) } : c));
    return copy;
  }) as T;
}

/** a message or input item whose call id (or one of its tool calls' ids) carries a signature */
function carriesSignature(entry: unknown): boolean {
  if (!entry || typeof entry !== "object") return false;
  const e = entry as Record<string, unknown>;
  return hasSignature(e.tool_call_id) || hasSignature(e.call_id) || (Array.isArray(e.tool_calls) && e.tool_calls.some((c) => hasSignature((c as { id?: unknown } | null)?.id)));
}
