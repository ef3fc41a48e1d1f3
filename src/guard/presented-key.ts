// The credential a caller presented, in any of the places the supported SDKs put it.

/** Authorization: Bearer (OpenAI, most SDKs), x-api-key (Anthropic), x-goog-api-key (Gemini). */
export function presentedKey(headers: Headers): string | undefined {
  const auth = headers.get("authorization");
  if (auth) {
    const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  return headers.get("x-api-key")?.trim() || headers.get("x-goog-api-key")?.trim() || undefined;
}
