// Gemini CLI (`gemini -p`) → gateway → mock Gemini upstream: a plain (streamed) prompt, a tool loop
// whose function call carries a thoughtSignature that must come back, and a cache-hit replay.
import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GeminiClient } from "../../src/providers/gemini-client.ts";
import { startMockGemini } from "../helpers/mock-gemini-upstream.ts";
import { clientBench, clientOrSkip, expectCacheHit, runClient } from "./harness.ts";

const gemini = clientOrSkip("gemini", "@google/gemini-cli");

const mentions = (body: any, text: string) => JSON.stringify(body.contents).includes(text);
const hasFunctionResponse = (body: any) => body.contents.some((c: any) => c.parts.some((p: any) => p.functionResponse));
/** the conversation request itself (the CLI also sends JSON-mode side requests, e.g. "who speaks next") */
const isMain = (body: any, text: string) => Boolean(body.tools?.length) && mentions(body, text);

describe.skipIf(!gemini)("Gemini CLI", () => {
  const bench = clientBench("gemini", {
    upstream: () => {
      const upstream = startMockGemini();
      upstream.respond = (body) => {
        if (body.generationConfig?.responseMimeType === "application/json") return { text: JSON.stringify({ reasoning: "the turn is complete", next_speaker: "user" }) };
        if (hasFunctionResponse(body)) return { text: "TOOL-LOOP-DONE" };
        if (isMain(body, "run the tool")) return { functionCalls: [{ name: "run_shell_command", args: { command: "echo tool-output-42" }, thoughtSignature: "sig-gemini-cli-1" }] };
        return { text: "PONG-FROM-UPSTREAM" };
      };
      return upstream;
    },
    provider: (upstream) => new GeminiClient({ name: "gemini", baseUrl: upstream.url, apiKey: "g-up", timeoutMs: 30_000 }),
    prepareHome: (home) => {
      mkdirSync(join(home, ".gemini"));
      writeFileSync(join(home, ".gemini", "settings.json"), JSON.stringify({ security: { auth: { selectedType: "gemini-api-key" } }, privacy: { usageStatisticsEnabled: false }, telemetry: { enabled: false } }));
    },
  });

  // the README's Gemini CLI settings
  const ask = (prompt: string) =>
    runClient([gemini!, "-p", prompt, "-m", "gemini-2.5-flash", "--yolo"], {
      home: bench.home,
      cwd: bench.work,
      env: { GOOGLE_GEMINI_BASE_URL: bench.gateway.url, GEMINI_API_KEY: "k", GEMINI_CLI_TRUST_WORKSPACE: "true", GEMINI_TELEMETRY_ENABLED: "false" },
    });

  test("a plain prompt is answered through streamGenerateContent", async () => {
    const run = await ask("say ping");
    expect(run.stdout).toContain("PONG-FROM-UPSTREAM");
    expect(run.code).toBe(0);
    const main = bench.upstream.requests.find((r) => isMain(r.body, "say ping"))!;
    expect(main.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    expect(main.headers.get("x-goog-api-key")).toBe("g-up");
  }, 180_000);

  test("a tool loop: the function call's thoughtSignature goes back upstream with the function response", async () => {
    const run = await ask("run the tool please");
    expect(run.stdout).toContain("TOOL-LOOP-DONE");
    const followUp = bench.upstream.requests.find((r) => hasFunctionResponse(r.body))!.body;
    const callPart = followUp.contents.flatMap((c: any) => c.parts).find((p: any) => p.functionCall);
    expect(callPart).toMatchObject({ functionCall: { name: "run_shell_command" }, thoughtSignature: "sig-gemini-cli-1" });
    expect(JSON.stringify(followUp.contents.at(-1))).toContain("tool-output-42");
  }, 180_000);

  test("the same prompt in a new session is a cache hit", async () => {
    await expectCacheHit(() => ask("say ping"), "PONG-FROM-UPSTREAM", () => bench.upstream.requests.filter((r) => isMain(r.body, "say ping")).length);
  }, 180_000);
});
