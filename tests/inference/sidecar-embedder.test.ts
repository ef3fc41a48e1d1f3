// The embedding sidecar client against a mock OpenAI-compatible /v1/embeddings server (TEI / llama.cpp shape).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { EmbedUnavailableError } from "../../src/inference/embedder.ts";
import { embeddingsUrl, SidecarEmbedder } from "../../src/inference/sidecar-embedder.ts";

let server: ReturnType<typeof Bun.serve>;
let mode: "ok" | "slow" | "error" | "short" | "strings" = "ok";
const seen: any[] = [];

beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      if (new URL(req.url).pathname !== "/v1/embeddings") return new Response("nope", { status: 404 });
      const body = (await req.json()) as { model: string; input: string[] };
      seen.push(body);
      if (mode === "slow") await Bun.sleep(1500);
      if (mode === "error") return Response.json({ error: { message: "overloaded" } }, { status: 503 });
      const data = body.input.map((text, index) => ({ object: "embedding", index, embedding: mode === "strings" ? ["x"] : [text.length, 3, 4] }));
      // servers may answer out of order; the index field says which input each vector belongs to
      return Response.json({ object: "list", model: body.model, data: (mode === "short" ? data.slice(1) : data).reverse() });
    },
  });
});
afterAll(() => server.stop(true));

const client = (timeoutMs = 5000, maxInFlight = 8) =>
  new SidecarEmbedder({ url: `http://127.0.0.1:${server.port}`, model: "all-minilm", timeoutMs, maxInFlight });

async function reason(p: Promise<unknown>) {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(EmbedUnavailableError);
  return (err as EmbedUnavailableError).reason;
}

test("embeddingsUrl accepts a base URL, a /v1 URL or the full endpoint", () => {
  expect(embeddingsUrl("http://h:8082")).toBe("http://h:8082/v1/embeddings");
  expect(embeddingsUrl("http://h:8082/v1/")).toBe("http://h:8082/v1/embeddings");
  expect(embeddingsUrl("http://h:8082/v1/embeddings")).toBe("http://h:8082/v1/embeddings");
});

test("sends the model and inputs, returns unit vectors in input order", async () => {
  mode = "ok";
  const [a, b] = await client().embed(["abc", "abcdefghijkl"]);
  expect(seen.at(-1)).toEqual({ model: "all-minilm", input: ["abc", "abcdefghijkl"] });
  expect(Array.from(a!)).toEqual([3 / Math.hypot(3, 3, 4), 3 / Math.hypot(3, 3, 4), 4 / Math.hypot(3, 3, 4)].map((x) => Math.fround(x)));
  expect(b![0]).toBeCloseTo(12 / 13, 5);
});

test("a slow sidecar is a timeout, an HTTP error or malformed reply is an error", async () => {
  mode = "slow";
  expect(await reason(client(100).embed(["x"]))).toBe("timeout");
  mode = "error";
  expect(await reason(client().embed(["x"]))).toBe("error");
  mode = "short";
  expect(await reason(client().embed(["x", "y"]))).toBe("error");
  mode = "strings";
  expect(await reason(client().embed(["x"]))).toBe("error");
});

test("an unreachable sidecar is an error, not a crash", async () => {
  const dead = new SidecarEmbedder({ url: "http://127.0.0.1:1", model: "m", timeoutMs: 2000, maxInFlight: 4 });
  expect(await reason(dead.embed(["x"]))).toBe("error");
  expect(dead.stats().skipped.error).toBe(1);
});

test("more calls in flight than allowed are refused at once", async () => {
  mode = "slow";
  const c = client(5000, 1);
  const first = c.embed(["x"]);
  expect(await reason(c.embed(["y"]))).toBe("queue_full");
  await first;
});
