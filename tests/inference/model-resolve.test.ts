// Model resolution: explicit path, model cache, hub download (from a mock hub over real HTTP, with
// progress), and offline mode, which never touches the network and names what is missing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EMBEDDING_FILES } from "../../src/inference/model-files.ts";
import { ensureEmbeddingModel, ModelMissingError, resolveEmbeddingModel } from "../../src/inference/model-resolve.ts";
import { pullModel, type PullEvent } from "../../src/inference/model-pull.ts";

const FIXTURE_MODEL = join(import.meta.dir, "../fixtures/models/tiny-minilm");
const tmp = () => mkdtempSync(join(tmpdir(), "isartor-models-"));

/** A mock Hugging Face hub serving the fixture as Xenova/all-MiniLM-L6-v2 at /<id>/resolve/main/<file>. */
let hub: { url: string; hits: string[]; truncate: boolean; stop(): void };
beforeAll(() => {
  const hits: string[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const path = new URL(req.url).pathname;
      hits.push(path);
      const m = /^\/Xenova\/all-MiniLM-L6-v2\/resolve\/main\/(.+)$/.exec(path);
      const file = m && join(FIXTURE_MODEL, m[1]!);
      if (!file || !existsSync(file)) return new Response("Entry not found", { status: 404 });
      const bytes = readFileSync(file);
      if (hub.truncate && file.endsWith(".onnx")) {
        // sends half, then the connection breaks
        const body = new ReadableStream({
          async pull(controller) {
            controller.enqueue(bytes.subarray(0, bytes.length >> 1));
            await Bun.sleep(20);
            controller.error(new Error("connection reset"));
          },
        });
        return new Response(body, { headers: { "content-length": String(bytes.length) } });
      }
      return new Response(bytes);
    },
  });
  hub = { url: `http://127.0.0.1:${server.port}`, hits, truncate: false, stop: () => server.stop(true) };
});
afterAll(() => hub.stop());

describe("resolveEmbeddingModel", () => {
  test("an explicit path with the files is used as is", () => {
    expect(resolveEmbeddingModel({ modelPath: FIXTURE_MODEL, cacheDir: "", offline: true })).toEqual({ dir: FIXTURE_MODEL, source: "path" });
  });

  test("an explicit path missing files is an error even online, naming the files", () => {
    const dir = tmp();
    expect(() => resolveEmbeddingModel({ modelPath: dir, cacheDir: "", offline: false })).toThrow(ModelMissingError);
    expect(() => resolveEmbeddingModel({ modelPath: dir, cacheDir: "", offline: false })).toThrow(join(dir, "onnx/model_quantized.onnx"));
  });

  test("a model in the cache dir is found under its hub id", () => {
    const cache = tmp();
    cpSync(FIXTURE_MODEL, join(cache, "Xenova/all-MiniLM-L6-v2"), { recursive: true });
    expect(resolveEmbeddingModel({ modelPath: "", cacheDir: cache, offline: true })).toEqual({ dir: join(cache, "Xenova/all-MiniLM-L6-v2"), source: "cache" });
  });

  test("offline and not cached: the error names the missing file and the import command", () => {
    const cache = tmp();
    let message = "";
    try {
      resolveEmbeddingModel({ modelPath: "", cacheDir: cache, offline: true });
    } catch (err) {
      expect(err).toBeInstanceOf(ModelMissingError);
      message = (err as Error).message;
    }
    expect(message).toContain(join(cache, "Xenova/all-MiniLM-L6-v2/onnx/model_quantized.onnx"));
    expect(message).toContain("offline");
    expect(message).toContain("isartor models import");
  });

  test("online and not cached: a download is planned for exactly the missing files", () => {
    const r = resolveEmbeddingModel({ modelPath: "", cacheDir: tmp(), offline: false });
    expect(r.source).toBe("download");
    expect(r.source === "download" && r.missing).toEqual([...EMBEDDING_FILES]);
  });
});

describe("hub download", () => {
  test("ensureEmbeddingModel offline never contacts the hub", async () => {
    const before = hub.hits.length;
    await expect(ensureEmbeddingModel({ modelPath: "", cacheDir: tmp(), offline: true, endpoint: hub.url })).rejects.toThrow(ModelMissingError);
    expect(hub.hits.length).toBe(before);
  });

  test("downloads the model into the cache with progress, then finds it there without the network", async () => {
    const cache = tmp();
    const events: PullEvent[] = [];
    const dir = await ensureEmbeddingModel({ modelPath: "", cacheDir: cache, offline: false, endpoint: hub.url, progress: (e) => events.push(e) });
    expect(dir).toBe(join(cache, "Xenova/all-MiniLM-L6-v2"));
    for (const f of EMBEDDING_FILES) expect(readFileSync(join(dir, f))).toEqual(readFileSync(join(FIXTURE_MODEL, f)));
    expect(existsSync(join(dir, "special_tokens_map.json"))).toBe(true);
    expect(events.filter((e) => e.done).map((e) => e.file)).toContain("onnx/model_quantized.onnx");
    expect(events.some((e) => !e.done && e.received > 0)).toBe(true);
    const before = hub.hits.length;
    expect(await ensureEmbeddingModel({ modelPath: "", cacheDir: cache, offline: false, endpoint: hub.url })).toBe(dir);
    expect(hub.hits.length).toBe(before);
  });

  test("a file the hub does not have is a clear error", async () => {
    await expect(pullModel({ modelId: "Xenova/all-MiniLM-L6-v2", cacheDir: tmp(), endpoint: hub.url, files: ["onnx/model_fp99.onnx"] })).rejects.toThrow(/no onnx\/model_fp99\.onnx.*404/);
  });

  test("a cut-off download leaves no partial file that could pass for the model", async () => {
    const cache = tmp();
    hub.truncate = true;
    try {
      await expect(pullModel({ modelId: "Xenova/all-MiniLM-L6-v2", cacheDir: cache, endpoint: hub.url })).rejects.toThrow();
    } finally {
      hub.truncate = false;
    }
    const onnxDir = join(cache, "Xenova/all-MiniLM-L6-v2/onnx");
    expect(existsSync(onnxDir) ? readdirSync(onnxDir) : []).toEqual([]);
    expect(resolveEmbeddingModel({ modelPath: "", cacheDir: cache, offline: false }).source).toBe("download");
  });

  test("model ids that could escape the cache dir are refused", async () => {
    await expect(pullModel({ modelId: "../../etc", cacheDir: tmp(), endpoint: hub.url })).rejects.toThrow(/not a hub model id/);
  });
});
