import { Elysia } from "elysia";
import type { ChatRoute } from "../chat-routes.ts";

/** Every chat route registered with Elysia too (the OpenAPI document, the route list), same handlers. */
export const chatRoutesPlugin = (routes: ChatRoute[]) => {
  const app = new Elysia({ name: "chat" });
  for (const route of routes) app.post(route.path, ({ request }) => route.handle(request), { parse: "none" });
  return app;
};
