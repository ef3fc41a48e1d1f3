// install.sh end to end, offline: a bundle built from this tree (release archive + model + SHA256SUMS)
// installed into a temp prefix; the installed binary, with no node_modules and no Bun around it,
// answers /health and serves a cached answer. Tampering aborts the install.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBundle } from "../../scripts/bundle.ts";
import { ROOT, spawnUp } from "../helpers/cli.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";

const FIXTURE_MODEL = join(import.meta.dir, "../fixtures/models/tiny-minilm");
const work = mkdtempSync(join(tmpdir(), "isartor-installer-"));
const target = `${process.platform}-${process.arch}`;
let bundle: string;
let upstream: MockUpstream;

function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = mkdtempSync(join(work, "home-"));
  return { PATH: "/usr/bin:/bin", HOME: home, ...extra };
}

function install(args: string[], env: Record<string, string>) {
  const p = Bun.spawnSync(["sh", join(ROOT, "install.sh"), ...args], { cwd: env.HOME, env, stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode, out: p.stdout.toString() + p.stderr.toString() };
}

beforeAll(async () => {
  upstream = startMockOpenAI([{ text: "Our office opens at 9." }]);
  const cache = join(work, "build-cache");
  mkdirSync(join(cache, "Xenova"), { recursive: true });
  cpSync(FIXTURE_MODEL, join(cache, "Xenova", "all-MiniLM-L6-v2"), { recursive: true });
  bundle = await buildBundle({ target, models: ["minilm"], cacheDir: cache, out: join(work, "out") });
}, 300_000);
afterAll(() => upstream.stop());

describe("install.sh from an offline bundle", () => {
  test("installs binary + models, the installed binary answers /health and a cached request", async () => {
    if (!["linux", "darwin"].includes(process.platform)) return console.log("skipped: install.sh is for Linux and macOS");
    const prefix = join(work, "prefix");
    const models = join(work, "models");
    const env = cleanEnv({ ISARTOR_INSTALL_FROM: bundle, ISARTOR_HF_CACHE_DIR: models });
    const r = install(["--prefix", prefix], env);
    expect(r.code).toBe(0);
    expect(r.out).toContain("checksum OK");
    expect(r.out).toContain("models verified");
    expect(existsSync(join(models, "Xenova/all-MiniLM-L6-v2/onnx/model_quantized.onnx"))).toBe(true);
    // idempotent: a second run replaces the install in place
    expect(install(["--prefix", prefix], env).code).toBe(0);
    expect(readdirSync(join(prefix, "lib")).sort()).toEqual(["isartor"]);

    const runEnv = cleanEnv({
      ISARTOR_HF_CACHE_DIR: models,
      ISARTOR__OFFLINE: "true",
      ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url,
      ISARTOR__EXTERNAL_LLM_API_KEY: "sk-test",
      ISARTOR__EMBEDDING__TIMEOUT_MS: "30000",
    });
    const { proc, url, output } = await spawnUp([], runEnv, [join(prefix, "bin", "isartor")]);
    try {
      expect((await fetch(`${url}/health`)).status).toBe(200);
      for (let i = 0; i < 600 && (await fetch(`${url}/readyz`)).status !== 200; i++) await Bun.sleep(50);
      const ask = () =>
        fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "When does the office open?" }] }) });
      expect((await ask()).headers.get("x-isartor-layer")).toBe("l3");
      const hit = await ask();
      expect(hit.headers.get("x-isartor-layer")).toBe("l1a");
      expect(((await hit.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe("Our office opens at 9.");
    } finally {
      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
      // the bundled MiniLM loaded from the installed cache: L1b was on
      expect(await output()).not.toContain("semantic cache (L1b) disabled");
    }
  }, 120_000);

  test("a tampered archive aborts with a checksum message and installs nothing", () => {
    if (!["linux", "darwin"].includes(process.platform)) return;
    const dir = join(work, "tampered");
    Bun.spawnSync(["tar", "-xzf", bundle, "-C", (mkdirSync(dir, { recursive: true }), dir)]);
    const inner = join(dir, readdirSync(dir)[0]!);
    const archive = readdirSync(inner).find((f) => f.endsWith(`${target}.tar.gz`))!;
    appendFileSync(join(inner, archive), "tampered");
    const prefix = join(work, "prefix-tampered");
    const r = install(["--prefix", prefix], cleanEnv({ ISARTOR_INSTALL_FROM: inner }));
    expect(r.code).toBe(1);
    expect(r.out).toContain("checksum mismatch");
    expect(r.out).toContain("nothing was installed");
    expect(existsSync(join(prefix, "bin", "isartor"))).toBe(false);
  });

  test("`isartor up --offline` without the model names the file and the import command", async () => {
    if (!["linux", "darwin"].includes(process.platform)) return;
    const prefix = join(work, "prefix");
    const env = cleanEnv({ ISARTOR_HF_CACHE_DIR: join(work, "empty-cache"), ISARTOR__CACHE_MODE: "semantic" });
    const { proc, output } = await spawnUp(["--offline"], env, [join(prefix, "bin", "isartor")]);
    await Bun.sleep(1500);
    proc.kill("SIGTERM");
    await proc.exited;
    const text = (await output()) + (await new Response(proc.stderr).text());
    expect(text).toContain("model_quantized.onnx");
    expect(text).toContain("isartor models import");
  }, 60_000);
});
