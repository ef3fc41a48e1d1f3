// L1b with a real sentence encoder (USE-lite from npm, behind the OpenAI-compatible test sidecar) through
// a real gateway: paraphrases are answered from the cache, and near misses the encoder scores as close
// as paraphrases are refused by the false-hit guard. The near misses here are held out: written for this
// suite, none of them the examples or the benchmark's template edits, of several kinds (a
// lowercase language name, a unit, a year, an ordinal, a city, a comparative, an action and its undoing,
// a season). A second gateway with the guard off shows they really are wrong hits for the encoder alone.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";
import { startUseSidecar, type UseSidecar } from "../helpers/use-sidecar.ts";

/** the operating point docs/semantic-cache.md gives for USE-lite (measured by scripts/bench/deflection.ts) */
const USE_LITE_THRESHOLD = "0.90";

const PARAPHRASES: [string, string][] = [
  ["How can I change the email address on my account?", "How do I update my account's email address?"],
  ["What time does the store close on Sundays?", "When does the store close on Sunday?"],
  ["How many calories should I eat per day to lose weight?", "How many calories a day should I eat to lose weight?"],
  ["How do I center a div in CSS?", "How can I center a div with CSS?"],
  ["What are the symptoms of the flu?", "What symptoms does the flu cause?"],
];

const NEAR_MISSES: [string, string][] = [
  ["What is the cheapest plan?", "What is the most expensive plan?"],
  ["Who was the first president of the United States?", "Who was the second president of the United States?"],
  ["How do I install Docker on Ubuntu?", "How do I uninstall Docker on Ubuntu?"],
  ["How many feet are in a mile?", "How many meters are in a mile?"],
  ["What happened in 1989?", "What happened in 1991?"],
  ["Is coffee good for your health?", "Is coffee bad for your health?"],
  ["How do I import a CSV file?", "How do I export a CSV file?"],
  ["What should I pack for a summer trip?", "What should I pack for a winter trip?"],
  ["How do I speed up my computer?", "How do I slow down my computer?"],
];

let sidecar: UseSidecar;
let upstream: MockUpstream;
let guarded: RunningGateway;
let unguarded: RunningGateway;

const gatewayWith = (env: Record<string, string>) =>
  startTestGateway({
    ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url,
    ISARTOR__EXTERNAL_LLM_API_KEY: "sk-upstream-test",
    ISARTOR__CACHE_MODE: "semantic",
    ISARTOR__EMBEDDING_SIDECAR__SIDECAR_URL: sidecar.url,
    ISARTOR__EMBEDDING_SIDECAR__TIMEOUT_SECONDS: "60",
    ISARTOR__SIMILARITY_THRESHOLD: USE_LITE_THRESHOLD,
    ...env,
  });

/** each pair in its own scope (system prompt), so pairs never match each other */
async function ask(gw: RunningGateway, scope: string, question: string) {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "system", content: scope }, { role: "user", content: question }] }),
  });
  const body = (await res.json()) as { choices: { message: { content: string } }[] };
  return { layer: res.headers.get("x-isartor-layer"), guard: res.headers.get("x-isartor-semantic-guard"), text: body.choices[0]!.message.content };
}

/** caches `stored` with an answer naming it, then asks `asked` */
async function storeThenAsk(gw: RunningGateway, scope: string, stored: string, asked: string) {
  upstream.replies = [{ text: `answer to: ${stored}` }, { text: `answer to: ${asked}` }];
  const first = await ask(gw, scope, stored);
  expect(first.layer).toBe("l3");
  return ask(gw, scope, asked);
}

beforeAll(async () => {
  sidecar = await startUseSidecar();
  upstream = startMockOpenAI();
  guarded = await gatewayWith({});
  unguarded = await gatewayWith({ ISARTOR__SEMANTIC_GUARD: "false" });
}, 120_000);

afterAll(async () => {
  await Promise.all([guarded?.stop(), unguarded?.stop()]);
  upstream?.stop();
  await sidecar?.stop();
});

describe("USE-lite through the embedding sidecar", () => {
  test("the sidecar speaks OpenAI's /v1/embeddings: unit vectors, one per input, in order", async () => {
    const res = await fetch(`${sidecar.url}/v1/embeddings`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "use-lite", input: ["Why is the sky blue?", "What makes the sky blue?", "How do I bake bread?"] }) });
    const body = (await res.json()) as { data: { index: number; embedding: number[] }[] };
    expect(body.data.map((d) => d.index)).toEqual([0, 1, 2]);
    const [a, b, c] = body.data.map((d) => d.embedding);
    const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i]!, 0);
    expect(a!.length).toBe(512);
    expect(dot(a!, a!)).toBeCloseTo(1, 4);
    // real semantics: the paraphrase is closer than the unrelated question
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!) + 0.2);
    expect((await fetch(`${sidecar.url}/v1/embeddings`, { method: "POST", body: JSON.stringify({ input: [1, 2] }) })).status).toBe(400);
  });

  test("paraphrases are answered from the cache with the stored answer", async () => {
    for (const [i, [stored, asked]] of PARAPHRASES.entries()) {
      const hit = await storeThenAsk(guarded, `paraphrase ${i}`, stored, asked);
      expect({ asked, layer: hit.layer, text: hit.text }).toEqual({ asked, layer: "l1b", text: `answer to: ${stored}` });
      expect(hit.guard).toMatch(/^accepted:0\.\d{4}$/);
    }
  }, 60_000);

  test("held-out near misses are refused by the guard and go upstream; without the guard most are wrong hits", async () => {
    const wrongWithoutGuard: string[] = [];
    for (const [i, [stored, asked]] of NEAR_MISSES.entries()) {
      const res = await storeThenAsk(guarded, `near miss ${i}`, stored, asked);
      expect({ asked, layer: res.layer, text: res.text }).toEqual({ asked, layer: "l3", text: `answer to: ${asked}` });
      const off = await storeThenAsk(unguarded, `near miss ${i}`, stored, asked);
      if (off.layer === "l1b") {
        wrongWithoutGuard.push(asked);
        // the encoder put it above the threshold: so it was the guard, with a reason, that refused it
        expect(res.guard).toMatch(/^refused:(numbers|negation|entities|antonym|swapped_word|ambiguous):0\.\d{4}$/);
      }
    }
    expect(wrongWithoutGuard.length).toBeGreaterThanOrEqual(Math.ceil(NEAR_MISSES.length / 2));
  }, 60_000);
});
