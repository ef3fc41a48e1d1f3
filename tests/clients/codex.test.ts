// OpenAI Codex CLI (`codex exec`, Responses API only) → gateway → mock Chat Completions upstream:
// a plain prompt (streamed, as Codex always streams), a tool loop, and a cache-hit replay.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { OpenAICompatibleClient } from "../../src/providers/openai-compatible.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";
import { findClient, runClient, skipReason, tempDir } from "./harness.ts";

const codex = findClient("codex");
if (!codex) console.log(skipReason("codex", "@openai/codex"));

const lastUserText = (body: any) => JSON.stringify(body.messages.filter((m: any) => m.role === "user").at(-1)?.content ?? "");

describe.skipIf(!codex)("Codex CLI", () => {
  let upstream: MockUpstream;
  let gateway: RunningGateway;
  let home: string;
  let work: string;
  beforeAll(async () => {
    upstream = startMockOpenAI();
    upstream.respond = (body) => {
      if (body.messages.some((m: any) => m.role === "tool")) return { text: "TOOL-LOOP-DONE" };
      if (lastUserText(body).includes("run the tool")) return { toolCalls: [{ id: "call_codex_1", name: "exec_command", arguments: JSON.stringify({ cmd: "echo tool-output-42" }) }] };
      return { text: "PONG-FROM-UPSTREAM" };
    };
    gateway = await startTestGateway({ ISARTOR__CACHE_MODE: "exact" }, { provider: new OpenAICompatibleClient({ name: "openai", baseUrl: upstream.url, apiKey: "sk", timeoutMs: 30_000 }) });
    home = tempDir("isartor-codex-home-");
    work = tempDir("isartor-codex-work-");
    mkdirSync(join(home, ".codex"));
    // the README's Codex settings: a model provider pointing at the gateway, Responses wire API;
    // web search is a built-in tool only an OpenAI upstream can run, so it is off here
    writeFileSync(
      join(home, ".codex", "config.toml"),
      [
        'model = "gpt-4.1-mini"',
        'model_provider = "isartor"',
        'web_search = "disabled"',
        "[model_providers.isartor]",
        'name = "Isartor"',
        `base_url = "${gateway.url}/v1"`,
        'env_key = "ISARTOR_API_KEY"',
        'wire_api = "responses"',
        "[analytics]",
        "enabled = false",
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await gateway?.stop();
    upstream?.stop();
  });

  const exec = (prompt: string) =>
    runClient([codex!, "exec", "--skip-git-repo-check", prompt], { home, cwd: work, env: { CODEX_HOME: join(home, ".codex"), ISARTOR_API_KEY: "k" } });

  test("a plain prompt is answered through /v1/responses", async () => {
    const run = await exec("say ping");
    expect(run.stdout + run.stderr).toContain("PONG-FROM-UPSTREAM");
    expect(run.code).toBe(0);
    const sent = upstream.requests.at(-1)!.body;
    expect(sent.stream).toBe(true);
    expect(lastUserText(sent)).toContain("say ping");
  }, 180_000);

  test("a tool loop: the function call runs in Codex and its output comes back as a tool message", async () => {
    const run = await exec("run the tool please");
    expect(run.stdout + run.stderr).toContain("TOOL-LOOP-DONE");
    const followUp = upstream.requests.find((r) => r.body.messages.some((m: any) => m.role === "tool"))!.body;
    const assistant = followUp.messages.find((m: any) => m.tool_calls);
    expect(assistant.tool_calls[0]).toMatchObject({ id: "call_codex_1", function: { name: "exec_command" } });
    expect(followUp.messages.find((m: any) => m.role === "tool").tool_call_id).toBe("call_codex_1");
  }, 180_000);

  test("the same prompt in a new session is a cache hit", async () => {
    const before = upstream.requests.length;
    const run = await exec("say ping");
    expect(run.stdout + run.stderr).toContain("PONG-FROM-UPSTREAM");
    expect(upstream.requests.length).toBe(before);
  }, 180_000);
});
