// Claude Code (`claude -p`, its default model) → gateway → mock Anthropic upstream: a plain
// (streamed) prompt with its beta headers forwarded, a tool loop, and a cache-hit replay.
import { describe, expect, test } from "bun:test";
import { AnthropicClient } from "../../src/providers/anthropic-client.ts";
import { startMockAnthropic } from "../helpers/mock-anthropic-upstream.ts";
import { clientBench, clientOrSkip, expectCacheHit, runClient } from "./harness.ts";

const claude = clientOrSkip("claude", "@anthropic-ai/claude-code");

const hasToolResult = (body: any) => body.messages.some((m: any) => Array.isArray(m.content) && m.content.some((b: any) => b.type === "tool_result"));
const mentions = (body: any, text: string) => JSON.stringify(body.messages).includes(text);
/** the conversation request itself (Claude Code also sends side requests, e.g. for a session title, without tools) */
const isMain = (body: any, text: string) => Boolean(body.tools?.length) && mentions(body, text);

describe.skipIf(!claude)("Claude Code", () => {
  const bench = clientBench("claude", {
    upstream: () => {
      const upstream = startMockAnthropic();
      upstream.respond = (body) => {
        if (hasToolResult(body)) return { text: "TOOL-LOOP-DONE" };
        if (isMain(body, "run the tool")) return { toolCalls: [{ id: "toolu_cc_1", name: "Bash", input: { command: "echo tool-output-42", description: "print a marker" } }] };
        return { text: "PONG-FROM-UPSTREAM" };
      };
      return upstream;
    },
    provider: (upstream) => new AnthropicClient({ name: "anthropic", baseUrl: upstream.url, apiKey: "sk-ant-up", timeoutMs: 30_000 }),
  });

  // the README's Claude Code settings
  const env = () => ({
    ANTHROPIC_BASE_URL: bench.gateway.url,
    ANTHROPIC_API_KEY: "k",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  });
  const ask = (prompt: string, extra: string[] = []) => runClient([claude!, "-p", prompt, ...extra], { home: bench.home, cwd: bench.work, env: env() });

  test("a plain prompt on the default model; beta headers and ?beta=true reach the upstream", async () => {
    const run = await ask("say ping");
    expect(run.stdout).toContain("PONG-FROM-UPSTREAM");
    expect(run.code).toBe(0);
    const main = bench.upstream.requests.find((r) => isMain(r.body, "say ping"))!;
    expect(main.body.model).toStartWith("claude-");
    expect(main.body.stream).toBe(true);
    expect(main.headers.get("anthropic-beta")).toContain("claude-code-");
    expect(main.search).toBe("?beta=true");
    expect(main.headers.get("x-api-key")).toBe("sk-ant-up");
  }, 180_000);

  test("a tool loop: Bash runs in Claude Code and its result goes back as tool_result", async () => {
    const run = await ask("run the tool please", ["--allowedTools", "Bash(echo:*)"]);
    expect(run.stdout).toContain("TOOL-LOOP-DONE");
    const followUp = bench.upstream.requests.find((r) => hasToolResult(r.body))!.body;
    const result = followUp.messages.flatMap((m: any) => (Array.isArray(m.content) ? m.content : [])).find((b: any) => b.type === "tool_result");
    expect(result.tool_use_id).toBe("toolu_cc_1");
    expect(JSON.stringify(result.content)).toContain("tool-output-42");
  }, 180_000);

  test("the same prompt in a new session is a cache hit", async () => {
    await expectCacheHit(() => ask("say ping"), "PONG-FROM-UPSTREAM", () => bench.upstream.requests.filter((r) => isMain(r.body, "say ping")).length);
  }, 180_000);
});
