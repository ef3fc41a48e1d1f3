// /api/admin/requests?limit=N: the last requests (newest first), metadata only, already redacted.
import type { GatewayServices } from "../server/services.ts";

export function requestsView(s: GatewayServices, limit: number) {
  const recent = s.runtime.recent;
  return { capacity: recent.capacity, requests: recent.list(Math.min(Math.max(1, limit), recent.capacity)) };
}
