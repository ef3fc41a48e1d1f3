// Where the L2 GGUF comes from: layer2.model_path → model cache → hub download (with a progress
// bar) unless offline, which names the missing file and the import command; `models pull|import|list
// slm` as a user runs them, against a mock hub; auto mode starts quietly without a model.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModelMissingError } from "../../src/inference/model-resolve.ts";
import { slmCachePath, slmModelSpec } from "../../src/inference/slm-models.ts";
import { ensureSlmModel, resolveSlmModel } from "../../src/inference/slm-resolve.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { isolatedEnv, runCli } from "../helpers/cli.ts";

const GGUF_BYTES = new Uint8Array(4096).map((_, i) => i % 251);
let hub: ReturnType<typeof Bun.serve>;
const hubRequests: string[] = [];
beforeAll(() => {
  hub = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const path = new URL(req.url).pathname;
      hubRequests.push(path);
      return path === "/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf" ? new Response(GGUF_BYTES) : new Response("Entry not found", { status: 404 });
    },
  });
});
afterAll(() => hub.stop(true));
const tmp = () => mkdtempSync(join(tmpdir(), "isartor-slm-cache-"));

test("the registry keeps seed 001's default and the Qwen2.5 instruct builds", () => {
  expect(slmModelSpec("gemma-2-2b-it")).toMatchObject({ repoId: "mradermacher/gemma-2-2b-it-GGUF", ggufFilename: "gemma-2-2b-it.Q4_K_M.gguf" });
  expect(slmModelSpec("qwen2.5-0.5b").repoId).toBe("Qwen/Qwen2.5-0.5B-Instruct-GGUF");
  expect(slmModelSpec("qwen2.5-1.5b").ggufFilename).toBe("qwen2.5-1.5b-instruct-q4_k_m.gguf");
});

test("an explicit path wins, is never downloaded into, and a missing one is an error naming it", () => {
  const dir = tmp();
  const file = join(dir, "mine.gguf");
  writeFileSync(file, "gguf");
  expect(resolveSlmModel({ modelPath: file, model: "gemma-2-2b-it", cacheDir: dir, offline: true })).toEqual({ path: file, source: "path" });
  expect(() => resolveSlmModel({ modelPath: join(dir, "gone.gguf"), model: "gemma-2-2b-it", cacheDir: dir, offline: false })).toThrow(/gone\.gguf.*never downloaded/);
});

test("offline: a model not in the cache names the file and the import command, and nothing is fetched", () => {
  const cache = tmp();
  let err: unknown;
  try {
    resolveSlmModel({ modelPath: "", model: "qwen2.5-1.5b", cacheDir: cache, offline: true });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ModelMissingError);
  const message = (err as Error).message;
  expect(message).toContain(join(cache, "Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf"));
  expect(message).toContain("isartor models import slm qwen2.5-1.5b-instruct-q4_k_m.gguf --model qwen2.5-1.5b");
  expect(message).toContain("isartor models pull slm --model qwen2.5-1.5b");
});

test("online: a missing model downloads from the hub into the cache with progress, then resolves from the cache", async () => {
  const cache = tmp();
  const events: boolean[] = [];
  const path = await ensureSlmModel({ modelPath: "", model: "qwen2.5-0.5b", cacheDir: cache, offline: false, endpoint: `http://127.0.0.1:${hub.port}`, progress: (e) => events.push(e.done) });
  expect(path).toBe(slmCachePath(cache, slmModelSpec("qwen2.5-0.5b")));
  expect(new Uint8Array(readFileSync(path))).toEqual(GGUF_BYTES);
  expect(events.at(-1)).toBe(true);
  expect(resolveSlmModel({ modelPath: "", model: "qwen2.5-0.5b", cacheDir: cache, offline: true }).source).toBe("cache");
});

test("models pull slm / list / import slm as a user runs them", async () => {
  const cache = tmp();
  const env = isolatedEnv({ ISARTOR_HF_CACHE_DIR: cache, HF_ENDPOINT: `http://127.0.0.1:${hub.port}` });
  const pulled = await runCli(["models", "pull", "slm", "--model", "qwen2.5-0.5b"], env);
  expect(pulled.code).toBe(0);
  expect(pulled.stdout).toContain("qwen2.5-0.5b ready");
  expect(pulled.stderr).toContain("downloaded qwen2.5-0.5b-instruct-q4_k_m.gguf");
  const listed = await runCli(["models", "list"], env);
  expect(listed.stdout).toMatch(/qwen2\.5-0\.5b .*complete/);
  expect(listed.stdout).toMatch(/gemma-2-2b-it .*not downloaded/);
  expect(listed.stdout).not.toContain("Qwen/Qwen2.5-0.5B-Instruct-GGUF  ");
  const offline = await runCli(["models", "pull", "slm", "--offline"], env);
  expect(offline.code).toBe(1);
  expect(offline.stderr).toContain("isartor models import slm gemma-2-2b-it.Q4_K_M.gguf --model gemma-2-2b-it");
  const file = join(tmp(), "copied.gguf");
  writeFileSync(file, "gguf bytes");
  const imported = await runCli(["models", "import", "slm", file, "--model", "gemma-2-2b-it"], env);
  expect(imported.code).toBe(0);
  expect(readFileSync(join(cache, "mradermacher/gemma-2-2b-it-GGUF/gemma-2-2b-it.Q4_K_M.gguf"), "utf8")).toBe("gguf bytes");
  expect((await runCli(["models", "pull", "slm", "--model", "nope"], env)).code).toBe(2);
}, 60_000);

test("layer2.enabled = auto without a GGUF: L2 is off, nothing is downloaded, /health says why", async () => {
  const cache = tmp();
  const before = hubRequests.length;
  const lines: string[] = [];
  const gw = await startTestGateway({ ISARTOR_HF_CACHE_DIR: cache, HF_ENDPOINT: `http://127.0.0.1:${hub.port}`, ISARTOR__LOG_LEVEL: "debug" }, { logSink: (l: string) => void lines.push(l) });
  try {
    const health = (await (await fetch(`${gw.url}/health`)).json()) as any;
    expect(health.l2.state).toBe("off");
    expect(health.l2.reason).toContain("isartor models pull slm");
    expect(health.layers).not.toContain("l2");
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
  } finally {
    await gw.stop();
  }
  expect(hubRequests.length).toBe(before);
  expect(existsSync(join(cache, "mradermacher"))).toBe(false);
  expect(lines.filter((l) => /L2|gguf/i.test(l))).toEqual([]);
});

test("layer2.enabled = on, offline, no GGUF: L2 failed on /health with the file and the import command; requests go on", async () => {
  const cache = tmp();
  const gw = await startTestGateway({ ISARTOR_HF_CACHE_DIR: cache, ISARTOR__OFFLINE: "true", ISARTOR__LAYER2__ENABLED: "on", ISARTOR__LAYER2__MODEL: "qwen2.5-0.5b" }, { logSink: () => {} });
  try {
    for (let i = 0; i < 200 && (await fetch(`${gw.url}/readyz`)).status !== 200; i++) await Bun.sleep(25);
    const health = (await (await fetch(`${gw.url}/health`)).json()) as any;
    expect(health.l2.state).toBe("failed");
    expect(health.l2.reason).toContain("qwen2.5-0.5b-instruct-q4_k_m.gguf");
    expect(health.l2.reason).toContain("isartor models import slm");
  } finally {
    await gw.stop();
  }
});
