// Claude Code (`claude -p`, its default model) → gateway → mock Anthropic upstream: a plain
// (streamed) prompt with its beta headers forwarded, a tool loop, and a cache-hit replay.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AnthropicClient } from "../../src/providers/anthropic-client.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockAnthropic, type MockAnthropic } from "../helpers/mock-anthropic-upstream.ts";
import { findClient, runClient, skipReason, tempDir } from "./harness.ts";

const claude = findClient("claude");
if (!claude) console.log(skipReason("claude", "@anthropic-ai/claude-code"));

const hasToolResult = (body: any) => body.messages.some((m: any) => Array.isArray(m.content) && m.content.some((b: any) => b.type === "tool_result"));
const mentions = (body: any, text: string) => JSON.stringify(body.messages).includes(text);
/** the conversation request itself (Claude Code also sends side requests, e.g. for a session title, without tools) */
const isMain = (body: any, text: string) => Boolean(body.tools?.length) && mentions(body, text);

describe.skipIf(!claude)("Claude Code", () => {
  let upstream: MockAnthropic;
  let gateway: RunningGateway;
  let home: string;
  let work: string;
  beforeAll(async () => {
    upstream = startMockAnthropic();
    upstream.respond = (body) => {
      if (hasToolResult(body)) return { text: "TOOL-LOOP-DONE" };
      if (isMain(body, "run the tool")) return { toolCalls: [{ id: "toolu_cc_1", name: "Bash", input: { command: "echo tool-output-42", description: "print a marker" } }] };
      return { text: "PONG-FROM-UPSTREAM" };
    };
    gateway = await startTestGateway({ ISARTOR__CACHE_MODE: "exact" }, { provider: new AnthropicClient({ name: "anthropic", baseUrl: upstream.url, apiKey: "sk-ant-up", timeoutMs: 30_000 }) });
    home = tempDir("isartor-claude-home-");
    work = tempDir("isartor-claude-work-");
  });
  afterAll(async () => {
    await gateway?.stop();
    upstream?.stop();
  });

  // the README's Claude Code settings
  const env = () => ({
    ANTHROPIC_BASE_URL: gateway.url,
    ANTHROPIC_API_KEY: "k",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  });
  const ask = (prompt: string, extra: string[] = []) => runClient([claude!, "-p", prompt, ...extra], { home, cwd: work, env: env() });

  test("a plain prompt on the default model; beta headers and ?beta=true reach the upstream", async () => {
    const run = await ask("say ping");
    expect(run.stdout).toContain("PONG-FROM-UPSTREAM");
    expect(run.code).toBe(0);
    const main = upstream.requests.find((r) => isMain(r.body, "say ping"))!;
    expect(main.body.model).toStartWith("claude-");
    expect(main.body.stream).toBe(true);
    expect(main.headers.get("anthropic-beta")).toContain("claude-code-");
    expect(main.search).toBe("?beta=true");
    expect(main.headers.get("x-api-key")).toBe("sk-ant-up");
  }, 180_000);

  test("a tool loop: Bash runs in Claude Code and its result goes back as tool_result", async () => {
    const run = await ask("run the tool please", ["--allowedTools", "Bash(echo:*)"]);
    expect(run.stdout).toContain("TOOL-LOOP-DONE");
    const followUp = upstream.requests.find((r) => hasToolResult(r.body))!.body;
    const result = followUp.messages.flatMap((m: any) => (Array.isArray(m.content) ? m.content : [])).find((b: any) => b.type === "tool_result");
    expect(result.tool_use_id).toBe("toolu_cc_1");
    expect(JSON.stringify(result.content)).toContain("tool-output-42");
  }, 180_000);

  test("the same prompt in a new session is a cache hit", async () => {
    const before = upstream.requests.filter((r) => isMain(r.body, "say ping")).length;
    const run = await ask("say ping");
    expect(run.stdout).toContain("PONG-FROM-UPSTREAM");
    expect(upstream.requests.filter((r) => isMain(r.body, "say ping")).length).toBe(before);
  }, 180_000);
});
