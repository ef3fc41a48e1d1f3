// Integrity of cached models: the hub's announced SHA-256 is checked while pulling, checksums are
// recorded at pull/import, `models verify` finds a changed file, `models rm` removes a model.
import { afterAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isolatedEnv, runCli } from "../helpers/cli.ts";
import { serveLoopback } from "../helpers/mock-server.ts";

const FIXTURE_MODEL = join(import.meta.dir, "../fixtures/models/tiny-minilm");
const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** Serves files like the hub: LFS-style 302 to a CDN path carrying X-Linked-Etag with the SHA-256. */
function hub(lie = false) {
  const server = serveLoopback((req) => {
    const path = new URL(req.url).pathname;
    const cdn = /^\/cdn\/(.+)$/.exec(path);
    if (cdn) return new Response(Bun.file(join(FIXTURE_MODEL, cdn[1]!)));
    const m = /^\/Xenova\/all-MiniLM-L6-v2\/resolve\/main\/(.+)$/.exec(path);
    const file = m && join(FIXTURE_MODEL, m[1]!);
    if (!file || !existsSync(file)) return new Response("Entry not found", { status: 404 });
    const digest = lie ? "0".repeat(64) : sha(file);
    return new Response(null, { status: 302, headers: { location: `/cdn/${m![1]}`, "x-linked-etag": `"${digest}"` } });
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

const good = hub();
const lying = hub(true);
afterAll(() => {
  good.stop();
  lying.stop();
});

function env(endpoint: string) {
  const cache = mkdtempSync(join(tmpdir(), "isartor-cache-"));
  return { env: isolatedEnv({ ISARTOR_HF_CACHE_DIR: cache, HF_ENDPOINT: endpoint }), dir: join(cache, "Xenova/all-MiniLM-L6-v2") };
}

test("pull follows the redirect, checks the announced SHA-256 and records checksums; verify passes, then finds a changed file", async () => {
  const { env: e, dir } = env(good.url);
  expect((await runCli(["models", "pull"], e)).code).toBe(0);
  const manifest = JSON.parse(readFileSync(join(dir, "isartor-manifest.json"), "utf8"));
  expect(manifest.files["onnx/model_quantized.onnx"].sha256).toBe(sha(join(FIXTURE_MODEL, "onnx/model_quantized.onnx")));
  const ok = await runCli(["models", "verify", "--json"], e);
  expect(ok.code).toBe(0);
  expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, models: [{ model: "Xenova/all-MiniLM-L6-v2", mismatched: [], missing: [] }] });

  appendFileSync(join(dir, "tokenizer.json"), " ");
  const bad = await runCli(["models", "verify"], e);
  expect(bad.code).toBe(1);
  expect(bad.stdout).toContain("tokenizer.json differs");

  expect((await runCli(["models", "rm", "--model", "Xenova/all-MiniLM-L6-v2"], e)).code).toBe(0);
  expect(existsSync(dir)).toBe(false);
  expect((await runCli(["models", "rm", "--model", "Xenova/all-MiniLM-L6-v2"], e)).code).toBe(1);
});

test("a download whose bytes do not match the hub's SHA-256 is refused and leaves nothing behind", async () => {
  const { env: e, dir } = env(lying.url);
  const r = await runCli(["models", "pull"], e);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("corrupt");
  expect(existsSync(join(dir, "onnx/model_quantized.onnx"))).toBe(false);
});

test("import records checksums too; verify of an unknown model is a clear error", async () => {
  const { env: e, dir } = env(good.url);
  expect((await runCli(["models", "import", FIXTURE_MODEL], { ...e, ISARTOR__OFFLINE: "true" })).code).toBe(0);
  expect(existsSync(join(dir, "isartor-manifest.json"))).toBe(true);
  expect((await runCli(["models", "verify", "--model", "Xenova/all-MiniLM-L6-v2"], e)).code).toBe(0);
  const missing = await runCli(["models", "verify", "--model", "nobody/nothing"], e);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain("not in the model cache");
});
