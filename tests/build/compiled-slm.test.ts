// The compiled binary runs the embedded L2 engine: node-llama-cpp is bundled, its prebuilt llama.cpp
// binaries ship beside the executable (node-llama-cpp/<platform>-<arch>/bins), the SLM worker is an
// extra entrypoint, and a request is answered by stories260K with X-Isartor-Layer: l2.
import { beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isolatedEnv, ROOT, spawnUp } from "../helpers/cli.ts";
import { HAVE_GGUF, STORIES_GGUF } from "../helpers/slm.ts";

const binary = join(mkdtempSync(join(tmpdir(), "isartor-slm-bin-")), "isartor");

beforeAll(async () => {
  if (!HAVE_GGUF) return;
  const proc = Bun.spawn([process.execPath, join(ROOT, "scripts/build.ts"), "--outfile", binary], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if ((await proc.exited) !== 0) throw new Error(`build failed: ${await new Response(proc.stderr).text()}`);
}, 240_000);

test.skipIf(!HAVE_GGUF || process.platform !== "linux" || process.arch !== "x64")("the build ships the llama.cpp addon and its CPU backends beside the binary", () => {
  const bins = join(binary, "../node-llama-cpp/linux-x64/bins/linux-x64");
  expect(existsSync(join(bins, "llama-addon.node"))).toBe(true);
  expect(existsSync(join(bins, "libggml-cpu-x64.so"))).toBe(true);
});

test.skipIf(!HAVE_GGUF)("compiled binary answers from L2 with stories260K, streaming and not", async () => {
  const env = isolatedEnv({
    ISARTOR__CACHE_MODE: "exact",
    ISARTOR__LAYER2__ENABLED: "on",
    ISARTOR__LAYER2__MODEL_PATH: STORIES_GGUF,
    ISARTOR__LAYER2__GPU: "off",
    ISARTOR__LAYER2__THREADS: "1",
    ISARTOR__LAYER2__LOCAL_LABELS: "TEMPLATE,SNIPPET,COMPLEX",
    ISARTOR__OFFLINE: "true",
  });
  const { proc, url, output } = await spawnUp([], env, [binary]);
  try {
    for (let i = 0; i < 600 && (await fetch(`${url}/readyz`)).status !== 200; i++) await Bun.sleep(50);
    const health = (await (await fetch(`${url}/health`)).json()) as { l2: Record<string, unknown> };
    expect(health.l2).toMatchObject({ state: "ready", backend: "embedded", model: "stories260K.gguf" });
    const ask = (stream: boolean) =>
      fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello!" }], max_tokens: 8, stream }),
      });
    const res = await ask(false);
    expect(res.headers.get("x-isartor-layer")).toBe("l2");
    const body = (await res.json()) as { usage: { completion_tokens: number }; choices: { message: { content: string } }[] };
    expect(body.usage.completion_tokens).toBe(8);
    expect(body.choices[0]!.message.content.length).toBeGreaterThan(0);
    const streamed = await ask(true);
    expect(streamed.headers.get("x-isartor-layer")).toBe("l2");
    expect((await streamed.text()).trimEnd().endsWith("data: [DONE]")).toBe(true);
  } finally {
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    const log = await output();
    expect(log).not.toContain("local answers disabled");
    expect(log).not.toContain("is not independent");
  }
}, 120_000);
