// The gateway routes by path alone, whatever the Host header says. Elysia finds the path by looking
// for the first "/" after the 11th character of the URL, which cuts into the path when the host is
// shorter than 4 characters ("llm", "x:1": ordinary Kubernetes service names), so such a request is
// handed on under a placeholder host. A request without a Host (HTTP/1.0, or an empty header) has
// no absolute URL at all and is refused with 400 before any route runs.
import { formatForRequest } from "../formats/detect.ts";
import { GatewayError } from "../pipeline/errors.ts";
import { errorResponse } from "./chat-handler.ts";
import { pathStart, requestPath } from "./request-target.ts";

const PLACEHOLDER_ORIGIN = "http://isartor.local";
/** where Elysia starts looking for the path's "/" */
const ELYSIA_PATH_SEARCH_FROM = 11;

/** The request to route (possibly under the placeholder host), or the 400 for a request without a Host. */
export function routableRequest(request: Request): Request | Response {
  const url = request.url;
  if (!url.startsWith("http://") && !url.startsWith("https://")) {
    return errorResponse(formatForRequest(requestPath(request), request.headers), new GatewayError(400, "invalid_request", "the request has no Host header; HTTP/1.1 requires one"));
  }
  const start = pathStart(url);
  if (start === -1 || start >= ELYSIA_PATH_SEARCH_FROM) return request;
  return new Request(PLACEHOLDER_ORIGIN + url.slice(start), request);
}
