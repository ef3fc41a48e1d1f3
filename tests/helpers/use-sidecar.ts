// An OpenAI-compatible POST /v1/embeddings server around USE-lite (tests/helpers/use-encoder.ts), so a
// real gateway can use a real encoder through its embedding-sidecar path
// (ISARTOR__EMBEDDING_SIDECAR__SIDECAR_URL). Standalone: bun scripts/use-embeddings-sidecar.ts.
import { embedTexts, USE_DIMS } from "./use-encoder.ts";

export interface UseSidecar {
  /** base URL, e.g. http://127.0.0.1:PORT (the gateway appends /v1/embeddings) */
  url: string;
  stop(): Promise<void>;
}

export interface UseSidecarOptions {
  /** 0 (default) = a random free port */
  port?: number;
  hostname?: string;
  /** reuse vectors stored on disk (default true); off to time the encoder itself */
  diskCache?: boolean;
}

const bad = (message: string) => Response.json({ error: { message, type: "invalid_request_error" } }, { status: 400 });

export async function startUseSidecar(opts: UseSidecarOptions = {}): Promise<UseSidecar> {
  // loads the model before the first request, so a gateway's first embedding does not time out on it
  await embedTexts(["warm up"], { diskCache: false });
  const server = Bun.serve({
    port: opts.port ?? 0,
    hostname: opts.hostname ?? "127.0.0.1",
    idleTimeout: 120,
    async fetch(req) {
      const path = new URL(req.url).pathname.replace(/\/+$/, "");
      if (req.method === "GET" && (path === "/health" || path === "/v1/models")) {
        return Response.json({ object: "list", data: [{ id: "use-lite", object: "model", dims: USE_DIMS }] });
      }
      if (req.method !== "POST" || (path !== "/v1/embeddings" && path !== "/embeddings")) return new Response("not found", { status: 404 });
      let body: { input?: unknown; model?: unknown };
      try {
        body = (await req.json()) as typeof body;
      } catch {
        return bad("body is not JSON");
      }
      const input = typeof body.input === "string" ? [body.input] : body.input;
      if (!Array.isArray(input) || input.some((t) => typeof t !== "string")) return bad("input must be a string or an array of strings");
      const vectors = await embedTexts(input as string[], { diskCache: opts.diskCache ?? true });
      const tokens = (input as string[]).reduce((n, t) => n + Math.ceil(t.length / 4), 0);
      return Response.json({
        object: "list",
        model: typeof body.model === "string" ? body.model : "use-lite",
        data: vectors.map((v, index) => ({ object: "embedding", index, embedding: Array.from(v) })),
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
    },
  });
  return { url: `http://${server.hostname}:${server.port}`, stop: async () => void server.stop(true) };
}
