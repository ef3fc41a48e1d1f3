// /api/admin/requests?limit=N: the last requests (newest first), metadata only. Entries are redacted
// when recorded; the usage fields joined later (model, tokens) pass the redactor here.
import type { GatewayServices } from "../server/services.ts";

export function requestsView(s: GatewayServices, limit: number) {
  const recent = s.runtime.recent;
  return { capacity: recent.capacity, requests: s.runtime.redactor.value(recent.list(Math.min(Math.max(1, limit), recent.capacity))) };
}
