// /api/admin/providers: health, circuit and key-pool availability per provider (keys masked, error
// texts scrubbed — upstreams echo keys back).
import type { GatewayServices } from "../server/services.ts";

export function providersView(s: GatewayServices) {
  return { providers: s.runtime.redactor.value(s.providers.status()) };
}
