// `isartor models pull|list|import` as a user runs it: a child process with an isolated HOME and
// model cache, pulling from a mock hub over HTTP.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isolatedEnv, runCli } from "../helpers/cli.ts";

const FIXTURE_MODEL = join(import.meta.dir, "../fixtures/models/tiny-minilm");
let hub: ReturnType<typeof Bun.serve>;
beforeAll(() => {
  hub = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const m = /^\/Xenova\/all-MiniLM-L6-v2\/resolve\/main\/(.+)$/.exec(new URL(req.url).pathname);
      const file = m && join(FIXTURE_MODEL, m[1]!);
      return file && existsSync(file) ? new Response(Bun.file(file)) : new Response("Entry not found", { status: 404 });
    },
  });
});
afterAll(() => hub.stop(true));

const cacheEnv = (extra: Record<string, string> = {}) => {
  const cache = mkdtempSync(join(tmpdir(), "isartor-cache-"));
  return { env: isolatedEnv({ ISARTOR_HF_CACHE_DIR: cache, HF_ENDPOINT: `http://127.0.0.1:${hub.port}`, ...extra }), cache };
};

test("pull downloads the model, list shows it complete, a second pull is a no-op", async () => {
  const { env, cache } = cacheEnv();
  const pulled = await runCli(["models", "pull"], env);
  expect(pulled.code).toBe(0);
  expect(pulled.stdout).toContain("Xenova/all-MiniLM-L6-v2 ready");
  expect(pulled.stderr).toContain("downloaded onnx/model_quantized.onnx");
  expect(readFileSync(join(cache, "Xenova/all-MiniLM-L6-v2/onnx/model_quantized.onnx"))).toEqual(readFileSync(join(FIXTURE_MODEL, "onnx/model_quantized.onnx")));
  const listed = await runCli(["models", "list"], env);
  expect(listed.stdout).toMatch(/Xenova\/all-MiniLM-L6-v2 +[\d.]+ MB +complete/);
  expect((await runCli(["models", "pull"], env)).stdout).toContain("already complete");
});

test("pull --offline refuses and points at import", async () => {
  const { env, cache } = cacheEnv();
  const r = await runCli(["models", "pull", "--offline"], env);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("offline");
  expect(r.stderr).toContain("models import");
  expect(existsSync(join(cache, "Xenova"))).toBe(false);
});

test("import copies a model directory into the cache; an incomplete one is refused with what is missing", async () => {
  const { env, cache } = cacheEnv({ ISARTOR__OFFLINE: "true" });
  const ok = await runCli(["models", "import", FIXTURE_MODEL], env);
  expect(ok.code).toBe(0);
  expect(existsSync(join(cache, "Xenova/all-MiniLM-L6-v2/tokenizer.json"))).toBe(true);
  expect((await runCli(["models", "list"], env)).stdout).toContain("complete");
  const bad = await runCli(["models", "import", join(FIXTURE_MODEL, "onnx")], env);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain("missing config.json");
});

test("bad usage exits 2 with help", async () => {
  const { env } = cacheEnv();
  expect((await runCli(["models"], env)).code).toBe(2);
  expect((await runCli(["models", "frobnicate"], env)).code).toBe(2);
  expect((await runCli(["models", "pull", "--model", "../etc"], env)).code).toBe(2);
  const help = await runCli(["models", "--help"], env);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("isartor models pull");
});
