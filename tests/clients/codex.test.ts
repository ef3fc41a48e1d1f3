// OpenAI Codex CLI (`codex exec`, Responses API only) → gateway → mock upstreams: a plain prompt (streamed,
// as Codex always streams), a tool loop and a cache-hit replay against Chat Completions; and a tool loop
// against Gemini whose function call's thoughtSignature must come back through the Responses API.
import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GeminiClient } from "../../src/providers/gemini-client.ts";
import { OpenAICompatibleClient } from "../../src/providers/openai-compatible.ts";
import { startMockGemini } from "../helpers/mock-gemini-upstream.ts";
import { startMockOpenAI } from "../helpers/mock-openai-upstream.ts";
import { clientBench, clientOrSkip, expectCacheHit, runClient, type ClientBench } from "./harness.ts";

const codex = clientOrSkip("codex", "@openai/codex");

const lastUserText = (body: any) => JSON.stringify(body.messages.filter((m: any) => m.role === "user").at(-1)?.content ?? "");

/**
 * The README's Codex settings: a model provider pointing at the gateway, Responses wire API; web search is
 * a built-in tool only an OpenAI upstream can run, so it is off here.
 */
function writeCodexConfig(model: string) {
  return (home: string, gatewayUrl: string) => {
    mkdirSync(join(home, ".codex"));
    writeFileSync(
      join(home, ".codex", "config.toml"),
      [
        `model = "${model}"`,
        'model_provider = "isartor"',
        'web_search = "disabled"',
        "[model_providers.isartor]",
        'name = "Isartor"',
        `base_url = "${gatewayUrl}/v1"`,
        'env_key = "ISARTOR_API_KEY"',
        'wire_api = "responses"',
        "[analytics]",
        "enabled = false",
      ].join("\n"),
    );
  };
}

const exec = (bench: ClientBench<unknown>, prompt: string) =>
  runClient([codex!, "exec", "--skip-git-repo-check", prompt], { home: bench.home, cwd: bench.work, env: { CODEX_HOME: join(bench.home, ".codex"), ISARTOR_API_KEY: "k" } });

describe.skipIf(!codex)("Codex CLI", () => {
  const bench = clientBench("codex", {
    upstream: () => {
      const upstream = startMockOpenAI();
      upstream.respond = (body) => {
        if (body.messages.some((m: any) => m.role === "tool")) return { text: "TOOL-LOOP-DONE" };
        if (lastUserText(body).includes("run the tool")) return { toolCalls: [{ id: "call_codex_1", name: "exec_command", arguments: JSON.stringify({ cmd: "echo tool-output-42" }) }] };
        return { text: "PONG-FROM-UPSTREAM" };
      };
      return upstream;
    },
    provider: (upstream) => new OpenAICompatibleClient({ name: "openai", baseUrl: upstream.url, apiKey: "sk", timeoutMs: 30_000 }),
    prepareHome: writeCodexConfig("gpt-4.1-mini"),
  });

  test("a plain prompt is answered through /v1/responses", async () => {
    const run = await exec(bench, "say ping");
    expect(run.stdout + run.stderr).toContain("PONG-FROM-UPSTREAM");
    expect(run.code).toBe(0);
    const sent = bench.upstream.requests.at(-1)!.body;
    expect(sent.stream).toBe(true);
    expect(lastUserText(sent)).toContain("say ping");
  }, 180_000);

  test("a tool loop: the function call runs in Codex and its output comes back as a tool message", async () => {
    const run = await exec(bench, "run the tool please");
    expect(run.stdout + run.stderr).toContain("TOOL-LOOP-DONE");
    const followUp = bench.upstream.requests.find((r) => r.body.messages.some((m: any) => m.role === "tool"))!.body;
    const assistant = followUp.messages.find((m: any) => m.tool_calls);
    expect(assistant.tool_calls[0]).toMatchObject({ id: "call_codex_1", function: { name: "exec_command" } });
    expect(followUp.messages.find((m: any) => m.role === "tool").tool_call_id).toBe("call_codex_1");
  }, 180_000);

  test("the same prompt in a new session is a cache hit", async () => {
    await expectCacheHit(() => exec(bench, "say ping"), "PONG-FROM-UPSTREAM", () => bench.upstream.requests.length);
  }, 180_000);
});

describe.skipIf(!codex)("Codex CLI → Gemini upstream", () => {
  const hasFunctionResponse = (body: any) => body.contents.some((c: any) => c.parts.some((p: any) => p.functionResponse));
  const bench = clientBench("codex-gemini", {
    upstream: () => {
      const upstream = startMockGemini();
      upstream.respond = (body) => {
        if (hasFunctionResponse(body)) return { text: "TOOL-LOOP-DONE" };
        if (JSON.stringify(body.contents).includes("run the tool")) return { functionCalls: [{ name: "exec_command", args: { cmd: "echo tool-output-42" }, thoughtSignature: "c2lnLWNvZGV4LWdlbWluaQ==" }] };
        return { text: "PONG-FROM-UPSTREAM" };
      };
      return upstream;
    },
    provider: (upstream) => new GeminiClient({ name: "gemini", baseUrl: upstream.url, apiKey: "g-up", timeoutMs: 30_000 }),
    prepareHome: writeCodexConfig("gemini-3-pro-preview"),
  });

  test("a tool loop: the function call's thoughtSignature comes back to Gemini with the call", async () => {
    const run = await exec(bench, "run the tool please");
    expect(run.stdout + run.stderr).toContain("TOOL-LOOP-DONE");
    const followUp = bench.upstream.requests.find((r) => hasFunctionResponse(r.body))!.body;
    const parts = followUp.contents.flatMap((c: any) => c.parts);
    expect(parts.find((p: any) => p.functionCall)).toEqual({ functionCall: { name: "exec_command", args: { cmd: "echo tool-output-42" } }, thoughtSignature: "c2lnLWNvZGV4LWdlbWluaQ==" });
    expect(JSON.stringify(parts.find((p: any) => p.functionResponse))).toContain("tool-output-42");
  }, 180_000);
});
