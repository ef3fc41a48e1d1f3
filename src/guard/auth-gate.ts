// One gate in front of every route, so a route added later is authenticated by default: admin paths
// need the admin key, everything else except the health probes needs a gateway key (when keys are
// configured). Chat handlers authenticate again to learn the caller and apply its rate limits.
import type { Config } from "../config/types.ts";
import { toGatewayError } from "../pipeline/errors.ts";
import { requireAdmin } from "./admin-auth.ts";
import type { GatewayGuard } from "./gateway-guard.ts";
import { formatForRequest } from "../formats/detect.ts";
import type { WireFormat } from "../formats/format.ts";
import { requestPath } from "../server/request-target.ts";

export const ADMIN_PREFIX = "/api/admin";
// "/" too: clients probe the base URL before their first call, and it only names the API surfaces
const PUBLIC_GETS = new Set(["/", "/health", "/healthz", "/readyz"]);

/** the dashboard's static page and assets carry no data; every call they make sends the admin key */
export const DASHBOARD_PREFIX = "/dashboard";

export function isPublic(method: string, path: string): boolean {
  if (method !== "GET" && method !== "HEAD") return false;
  return PUBLIC_GETS.has(path) || path === DASHBOARD_PREFIX || path.startsWith(`${DASHBOARD_PREFIX}/`);
}

export interface GateRefusal {
  format: WireFormat;
  error: ReturnType<typeof toGatewayError>;
}

/** undefined when the request may proceed. */
export function checkAccess(request: Request, config: Config, guard: GatewayGuard): GateRefusal | undefined {
  const path = requestPath(request);
  if (isPublic(request.method, path)) return undefined;
  try {
    if (path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`)) requireAdmin(request.headers, config.admin_api_key);
    else if (guard.keys.enabled) guard.keys.authenticate(request.headers);
    return undefined;
  } catch (err) {
    guard.authFailures++;
    return { format: formatForRequest(path, request.headers), error: toGatewayError(err) };
  }
}
