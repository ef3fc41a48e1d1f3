// The compiled binary loads the embedder: transformers.js and onnxruntime-node's addon run inside the
// single executable (worker entrypoint bundled, ONNX runtime library shipped beside it), and a
// repeated question is answered by L1b.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isolatedEnv, ROOT, spawnUp } from "../helpers/cli.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";

const FIXTURE_MODEL = join(import.meta.dir, "../fixtures/models/tiny-minilm");
const binary = join(mkdtempSync(join(tmpdir(), "isartor-embed-bin-")), "isartor");
let upstream: MockUpstream;

beforeAll(async () => {
  upstream = startMockOpenAI([{ text: "Plans start at 10 EUR." }]);
  const proc = Bun.spawn([process.execPath, join(ROOT, "scripts/build.ts"), "--outfile", binary], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if ((await proc.exited) !== 0) throw new Error(`build failed: ${await new Response(proc.stderr).text()}`);
}, 240_000);
afterAll(() => upstream.stop());

test("the build ships the ONNX runtime library beside the binary", () => {
  if (process.platform !== "linux") return;
  expect(existsSync(join(binary, `../onnxruntime-linux-${process.arch}/libonnxruntime.so.1`))).toBe(true);
});

test("compiled binary answers a repeated question from L1b with the fixture model", async () => {
  const env = isolatedEnv({
    ISARTOR__CACHE_MODE: "semantic",
    ISARTOR__EMBEDDING__MODEL_PATH: FIXTURE_MODEL,
    ISARTOR__EMBEDDING__TIMEOUT_MS: "30000",
    ISARTOR__SIMILARITY_THRESHOLD: "0.99",
    ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url,
    ISARTOR__EXTERNAL_LLM_API_KEY: "sk-test",
    ISARTOR__OFFLINE: "true",
  });
  const { proc, url, output } = await spawnUp([], env, [binary]);
  try {
    for (let i = 0; i < 600 && (await fetch(`${url}/readyz`)).status !== 200; i++) await Bun.sleep(50);
    const ask = () =>
      fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "What does the pro plan cost?" }] }),
      });
    expect((await ask()).headers.get("x-isartor-layer")).toBe("l3");
    const hit = await ask();
    expect(hit.headers.get("x-isartor-layer")).toBe("l1b");
    expect(((await hit.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe("Plans start at 10 EUR.");
  } finally {
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    expect(await output()).not.toContain("semantic cache (L1b) disabled");
  }
}, 120_000);
