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
