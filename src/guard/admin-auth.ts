// The admin key guards every admin route and every route that reads or changes cache state. It is
// separate from gateway keys: a gateway key never opens the admin API.
import { GatewayError } from "../pipeline/errors.ts";
import { constantTimeEqual } from "./constant-time.ts";
import { presentedKey } from "./presented-key.ts";

/** Whether the request presents the admin key (never true while the admin API is disabled). */
export function presentsAdminKey(headers: Headers, adminKey: string): boolean {
  const presented = presentedKey(headers);
  return Boolean(adminKey && presented && constantTimeEqual(presented, adminKey));
}

export function requireAdmin(headers: Headers, adminKey: string): void {
  if (!adminKey) {
    throw new GatewayError(403, "permission", "the admin API is disabled: set ISARTOR__ADMIN_API_KEY (admin_api_key) to enable it", {
      code: "admin_disabled",
    });
  }
  const presented = presentedKey(headers);
  if (!presented) throw new GatewayError(401, "authentication", "missing admin API key", { code: "missing_api_key" });
  if (!constantTimeEqual(presented, adminKey)) throw new GatewayError(401, "authentication", "invalid admin API key", { code: "invalid_api_key" });
}
