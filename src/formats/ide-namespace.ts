// IDE clients (Cursor, Kiro) speak OpenAI's format but get their own cache namespace (ADR-023), so
// IDE-generated prompts never answer, or are answered by, generic API traffic.
import type { ChatRequest } from "../pipeline/types.ts";

/** Not a body field: only the cache key sees it; OpenAI upstreams receive the source body. */
export const CLIENT_NAMESPACE_KEY = "isartor_client_namespace";

export const inNamespace = (req: ChatRequest, namespace: string): ChatRequest => ({
  ...req,
  extra: { ...req.extra, [CLIENT_NAMESPACE_KEY]: namespace },
});
