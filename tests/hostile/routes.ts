// Every route the app registers, with a concrete path to call it on and the error shape it must
// answer in. Discovered from the app itself, so routes added later are covered automatically.
import { createApp } from "../../src/server/app.ts";
import { buildServices } from "../../src/server/build-services.ts";
import { testConfig } from "../helpers/gateway.ts";

export type ErrorShape = "openai" | "anthropic" | "gemini" | "native";

export interface RouteUnderTest {
  method: string;
  /** the route pattern as registered */
  pattern: string;
  /** a concrete path that reaches it */
  path: string;
  shape: ErrorShape;
  /** chat routes parse a request body into the pipeline */
  chat: boolean;
}

const concrete = (pattern: string) => pattern.replace("/v1beta/models/*", "/v1beta/models/gemini-2.0-flash:generateContent").replace(/\/:(\w+)/g, "/x");

export function shapeFor(path: string): ErrorShape {
  if (path.startsWith("/v1/messages")) return "anthropic";
  if (path.startsWith("/v1beta/")) return "gemini";
  if (path.startsWith("/api/chat")) return "native";
  return "openai";
}

export function discoverRoutes(): RouteUnderTest[] {
  const app = createApp(buildServices(testConfig({ ISARTOR__CACHE_MODE: "exact" }), { provider: null, logSink: () => {} }));
  return (app.routes as { method: string; path: string }[]).map((r) => {
    const path = concrete(r.path);
    return {
      method: r.method,
      pattern: r.path,
      path,
      shape: shapeFor(path),
      chat: r.method === "POST" && !path.startsWith("/api/admin") && !path.endsWith("/count_tokens"),
    };
  });
}

/** true when `body` is a JSON error in `shape`'s own format. */
export function isErrorShape(shape: ErrorShape, body: unknown): boolean {
  const b = body as Record<string, any>;
  if (!b || typeof b !== "object") return false;
  switch (shape) {
    case "openai":
      return typeof b.error?.message === "string" && typeof b.error?.type === "string";
    case "anthropic":
      return b.type === "error" && typeof b.error?.type === "string" && typeof b.error?.message === "string";
    case "gemini":
      return typeof b.error?.code === "number" && typeof b.error?.message === "string" && typeof b.error?.status === "string";
    case "native":
      return typeof b.error?.type === "string" && typeof b.error?.message === "string";
  }
}
