// IDE clients (Cursor, Kiro) speak OpenAI's format but get their own cache namespace (ADR-023), so
// IDE-generated prompts never answer, or are answered by, generic API traffic.
import type { ChatRequest } from "../pipeline/types.ts";

/**
 * Not a body field: only the cache key sees it; OpenAI upstreams receive the source body. The
 * namespace comes only from the gateway's own detection (inNamespace), so a body that claims one is
 * stripped of the claim before parsing (withoutClaimedNamespace): it can neither join another
 * client's namespace nor carry the field upstream.
 */
export const CLIENT_NAMESPACE_KEY = "isartor_client_namespace";

export function withoutClaimedNamespace(body: unknown): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body) || !(CLIENT_NAMESPACE_KEY in body)) return body;
  const { [CLIENT_NAMESPACE_KEY]: _claimed, ...rest } = body as Record<string, unknown>;
  return rest;
}

export const inNamespace = (req: ChatRequest, namespace: string): ChatRequest => ({
  ...req,
  extra: { ...req.extra, [CLIENT_NAMESPACE_KEY]: namespace },
});
