// `isartor router train|eval` as a user runs it: a child process, labelled JSON lines on disk, an
// OpenAI-compatible /v1/embeddings server (here a loopback one serving the bag-of-words test vectors).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArtifact } from "../../src/router/artifact.ts";
import { isolatedEnv, runCli } from "../helpers/cli.ts";
import { KeywordEmbedder } from "../helpers/keyword-embedder.ts";
import { serveLoopback } from "../helpers/mock-server.ts";

const encoder = new KeywordEmbedder();
let server: ReturnType<typeof serveLoopback>;
let url: string;
let dir: string;
let data: string;

const CODE = ["write a python function", "fix the rust compiler error", "implement a binary search in go", "refactor this typescript class", "write a sql query with a join", "debug the javascript promise"];
const CHAT = ["tell me a joke", "what is the weather like", "recommend a good novel", "how are you today", "suggest a holiday destination", "what should i cook tonight"];

beforeAll(() => {
  server = serveLoopback(async (req) => {
    const body = (await req.json()) as { input: string[]; model: string };
    return Response.json({ object: "list", model: body.model, data: body.input.map((t, index) => ({ object: "embedding", index, embedding: Array.from(encoder.vector(t)) })) });
  });
  url = `http://127.0.0.1:${server.port}`;
  dir = mkdtempSync(join(tmpdir(), "isartor-router-cli-"));
  data = join(dir, "train.jsonl");
  const lines = [
    ...CODE.flatMap((t) => [t, `${t} please`, `can you ${t}`]).map((text) => ({ text, task_type: "code", persona: "developer" })),
    ...CHAT.flatMap((t) => [t, `${t} please`, `can you ${t}`]).map((prompt) => ({ prompt, task_type: "chat", persona: "developer" })),
  ];
  writeFileSync(data, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
});
afterAll(() => server.stop(true));

describe("isartor router train", () => {
  test("fits the heads, prints train and holdout accuracy, writes an artifact tied to the encoder", async () => {
    const out = join(dir, "heads.json");
    const r = await runCli(["router", "train", "--data", data, "--out", out, "--embedder", url, "--embedder-model", "bow-test", "--epochs", "200", "--seed", "3"]);
    expect(r.stderr).toContain("embedded 36 texts with bow-test");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/task_type\s+train 100\.0% \(\d+\)\s+holdout \d+\.\d% \(\d+\)\s+labels: chat, code/);
    expect(r.stdout).toMatch(/holdout per label: chat \d+\/\d+, code \d+\/\d+/);
    expect(r.stdout).toContain("persona    skipped: only one label (developer) in the data");
    const artifact = parseArtifact(readFileSync(out, "utf8"));
    expect(artifact.encoder).toBe("bow-test");
    expect(artifact.dim).toBe(encoder.dim);
    expect(artifact.training!.seed).toBe(3);
    expect(Object.keys(artifact.heads)).toEqual(["task_type"]);

    const again = join(dir, "heads-again.json");
    await runCli(["router", "train", "--data", data, "--out", again, "--embedder", url, "--embedder-model", "bow-test", "--epochs", "200", "--seed", "3"]);
    expect(readFileSync(again, "utf8")).toBe(readFileSync(out, "utf8"));

    const evaluated = await runCli(["router", "eval", "--data", data, "--heads", out, "--embedder", url, "--embedder-model", "bow-test"]);
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toMatch(/task_type\s+accuracy \d+\.\d% on 36 examples \(code \d+\/18, chat \d+\/18\)/);

    const other = await runCli(["router", "eval", "--data", data, "--heads", out, "--embedder", url, "--embedder-model", "another-model"]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("was trained on encoder 'bow-test', but this run embeds with 'another-model'");
  }, 60_000);

  test("--embedder DIR trains on an in-process model directory, and the artifact names that model", async () => {
    const fixture = join(import.meta.dir, "../fixtures/models/tiny-minilm");
    const out = join(dir, "heads-fixture.json");
    const r = await runCli(["router", "train", "--data", data, "--out", out, "--embedder", fixture, "--epochs", "20", "--offline"]);
    expect(r.stderr).toContain("embedded 36 texts with tiny-minilm");
    expect(r.code).toBe(0);
    const artifact = parseArtifact(readFileSync(out, "utf8"));
    expect(artifact.encoder).toBe("tiny-minilm");
    expect(artifact.dim).toBe(JSON.parse(readFileSync(join(fixture, "config.json"), "utf8")).hidden_size);
    const missingDir = await runCli(["router", "train", "--data", data, "--embedder", join(dir, "no-such-model")]);
    expect(missingDir.code).toBe(2);
    expect(missingDir.stderr).toContain("is neither an http(s) URL nor a model directory");
  }, 120_000);

  test("bad input is refused with the file, line and reason", async () => {
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, '{"text":"ok","task_type":"code"}\n{"text":"no labels"}\n');
    const r = await runCli(["router", "train", "--data", bad, "--embedder", url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:2: labels none of the heads`);
    const noData = await runCli(["router", "train"]);
    expect(noData.code).toBe(2);
    expect(noData.stderr).toContain("needs --data");
    const unreachable = await runCli(["router", "train", "--data", data, "--embedder", "http://127.0.0.1:9"], isolatedEnv());
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain("embedding sidecar unreachable");
  }, 60_000);
});
