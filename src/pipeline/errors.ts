// Errors that carry an HTTP status and a wire-neutral type; each format renders them in its own shape.

export type ErrorKind =
  | "invalid_request"
  | "authentication"
  | "permission"
  | "not_found"
  | "payload_too_large"
  | "rate_limit"
  | "overloaded"
  | "upstream"
  | "timeout"
  | "unavailable"
  | "internal";

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly kind: ErrorKind,
    message: string,
    readonly extra: { param?: string; code?: string; retryAfterSecs?: number; upstreamBody?: unknown } = {},
  ) {
    super(message);
    this.name = "GatewayError";
  }
}

export const invalidRequest = (message: string, param?: string) =>
  new GatewayError(400, "invalid_request", message, { param });

export function kindForStatus(status: number): ErrorKind {
  if (status === 400 || status === 422) return "invalid_request";
  if (status === 401) return "authentication";
  if (status === 403) return "permission";
  if (status === 404) return "not_found";
  if (status === 413) return "payload_too_large";
  if (status === 429) return "rate_limit";
  if (status === 529) return "overloaded";
  if (status === 503) return "unavailable";
  if (status === 504 || status === 408) return "timeout";
  return "upstream";
}

export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new GatewayError(500, "internal", `internal gateway error: ${message}`);
}
