// POST /api/admin/providers/test {"provider": NAME}: one connectivity check now (the provider's
// model-list endpoint with a pool key), recorded in its health like a background ping.
import { GatewayError, invalidRequest } from "../pipeline/errors.ts";
import type { GatewayServices } from "../server/services.ts";

export async function testProvider(s: GatewayServices, body: unknown) {
  const name = (body as { provider?: unknown } | null)?.provider;
  if (typeof name !== "string" || !name) throw invalidRequest("send {\"provider\": NAME} with a configured provider name", "provider");
  const result = await s.providers.probe(name);
  if (!result) {
    throw new GatewayError(404, "not_found", `no provider named '${name}'; configured: ${s.providers.names.join(", ") || "none"}`, { param: "provider" });
  }
  return { provider: name, ...(s.runtime.redactor.value(result) as typeof result) };
}
