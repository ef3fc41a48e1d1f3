import { describe, expect, test } from "bun:test";
import { isolatedEnv, runCli, spawnUp } from "../helpers/cli.ts";
import { startMockOpenAI } from "../helpers/mock-openai-upstream.ts";

describe("isartor CLI", () => {
  test("--version and --help", async () => {
    const v = await runCli(["--version"]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^isartor \d+\.\d+\.\d+/);
    const h = await runCli(["--help"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain("isartor up");
    expect(h.stdout).toContain("check");
  });

  test("check prints effective config with masked secrets and sources", async () => {
    const r = await runCli(["check"], isolatedEnv({ ISARTOR__EXTERNAL_LLM_API_KEY: "sk-abcdefghijklmnop", ISARTOR__CACHE_TTL_SECS: "42" }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("configuration OK");
    expect(r.stdout).toMatch(/cache_ttl_secs\s+42\s+env:ISARTOR__CACHE_TTL_SECS/);
    expect(r.stdout).toMatch(/cache_mode\s+both\s+default/);
    expect(r.stdout).not.toContain("sk-abcdefghijklmnop");
  });

  test("a bad value stops startup with the key and allowed values (exit 2)", async () => {
    const r = await runCli(["check"], isolatedEnv({ ISARTOR__CACHE_BACKEND: "mongo" }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cache_backend");
    expect(r.stderr).toContain("memory | redis");
    const up = await runCli(["up"], isolatedEnv({ ISARTOR__CACHE_BACKEND: "mongo" }));
    expect(up.code).toBe(2);
  });

  test("unknown command and unknown flag exit 2", async () => {
    expect((await runCli(["frobnicate"])).code).toBe(2);
    expect((await runCli(["up", "--frob"])).code).toBe(2);
  });

  test("up serves, and SIGTERM drains an in-flight request then exits 0", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const upstream = startMockOpenAI([{ text: "slow answer", delayMs: 0, holdAfterFirst: gate, pieces: ["slow ", "answer"] }]);
    try {
      const { proc, url, output } = await spawnUp([], isolatedEnv({ ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url }));
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const inflight = fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ stream: true, messages: [{ role: "user", content: "take your time" }] }),
      }).then((r) => r.text());
      while (upstream.requests.length === 0) await Bun.sleep(10);
      proc.kill("SIGTERM");
      await Bun.sleep(150);
      release();
      const body = await inflight;
      expect(body).toContain("slow ");
      expect(body).toContain("answer");
      expect(body.trim().endsWith("data: [DONE]")).toBe(true);
      expect(await proc.exited).toBe(0);
      expect(await output()).toContain("draining");
    } finally {
      upstream.stop();
    }
  });
});
