// The path and query of a request without building a URL object: the hot path asks for them
// several times per request, and `new URL` is a parse plus an allocation each time.

/** "/v1/chat/completions" from "http://host:8080/v1/chat/completions?x=1" (still percent-encoded, as URL.pathname). */
export function requestPath(request: Request): string {
  const url = request.url;
  const start = pathStart(url);
  if (start < 0) return "/";
  const q = url.indexOf("?", start);
  const h = url.indexOf("#", start);
  const end = q >= 0 ? q : h >= 0 ? h : url.length;
  return url.slice(start, end);
}

/** "?x=1" (with its "?"), or "" — as URL.search. */
export function requestSearch(request: Request): string {
  const url = request.url;
  const start = pathStart(url);
  const q = start < 0 ? -1 : url.indexOf("?", start);
  if (q < 0) return "";
  const h = url.indexOf("#", q);
  const search = url.slice(q, h >= 0 ? h : url.length);
  return search === "?" ? "" : search;
}

/** Where the path starts in a request URL ("http://h:1/p" → 9; "/p" → 0), or -1 when there is none. */
export function pathStart(url: string): number {
  const scheme = url.indexOf("://");
  return scheme < 0 ? (url.startsWith("/") ? 0 : -1) : url.indexOf("/", scheme + 3);
}
