// L2 on remote OpenAI-compatible servers, through a real gateway: the llama.cpp sidecar
// (inference_engine = sidecar) and vLLM / TGI (router_backend = vllm), mocked by a server that
// speaks the real Chat Completions API, SSE included. Slow, failing or unparseable replies fail open.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";

const LABEL = (label: string) => ({ text: JSON.stringify({ label }) });

const ask = (gw: RunningGateway, extra: object = {}) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-isartor-cache": "bypass" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello!" }], ...extra }),
  });

describe("inference_engine = sidecar (llama.cpp server)", () => {
  let sidecar: MockUpstream;
  let cloud: MockUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    sidecar = startMockOpenAI();
    cloud = startMockOpenAI([{ text: "from the cloud" }]);
    gw = await startTestGateway({
      ISARTOR__CACHE_MODE: "exact",
      ISARTOR__INFERENCE_ENGINE: "sidecar",
      ISARTOR__LAYER2__SIDECAR_URL: sidecar.url.replace(/\/v1$/, ""),
      ISARTOR__LAYER2__MODEL_NAME: "phi-3-mini",
      ISARTOR__LAYER2__TIMEOUT_SECONDS: "1",
      ISARTOR__EXTERNAL_LLM_BASE_URL: cloud.url,
      ISARTOR__EXTERNAL_LLM_API_KEY: "sk-up",
    });
  });
  beforeEach(() => {
    sidecar.requests.length = 0;
  });
  afterAll(async () => {
    await gw.stop();
    sidecar.stop();
    cloud.stop();
  });

  test("/health names the sidecar backend and model", async () => {
    const health = (await (await fetch(`${gw.url}/health`)).json()) as any;
    expect(health.l2).toMatchObject({ state: "ready", backend: "sidecar", model: "phi-3-mini" });
  });

  test("classification asks for the label JSON schema at temperature 0; a TEMPLATE is answered by the sidecar", async () => {
    sidecar.replies = [LABEL("TEMPLATE"), { text: "Hi! How can I help?" }];
    const res = await ask(gw);
    expect(res.headers.get("x-isartor-layer")).toBe("l2");
    const body = (await res.json()) as any;
    expect(body.choices[0].message.content).toBe("Hi! How can I help?");
    // the sidecar's own usage numbers (the mock reports 11 / 7)
    expect(body.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 7 });
    const [classify, answer] = sidecar.requests.map((r) => r.body);
    expect(classify.model).toBe("phi-3-mini");
    expect(classify.temperature).toBe(0);
    expect(classify.max_tokens).toBe(20);
    expect(classify.repeat_penalty).toBe(1.1);
    expect(classify.response_format.json_schema.schema.properties.label.enum).toEqual(["TEMPLATE", "SNIPPET", "COMPLEX"]);
    expect(classify.messages.at(-1)).toEqual({ role: "user", content: "Hello!" });
    expect(answer.stream).toBe(true);
    expect(answer.max_tokens).toBe(2048);
  });

  test("a streamed answer is forwarded chunk by chunk", async () => {
    sidecar.replies = [LABEL("SNIPPET"), { text: "one two three four", pieces: ["one ", "two ", "three ", "four"] }];
    const res = await ask(gw, { stream: true });
    expect(res.headers.get("x-isartor-layer")).toBe("l2");
    const frames = (await res.text()).split("\n\n").filter((f) => f.startsWith("data: {"));
    const pieces = frames.map((f) => JSON.parse(f.slice(6)).choices?.[0]?.delta?.content).filter(Boolean);
    expect(pieces).toEqual(["one ", "two ", "three ", "four"]);
  });

  test("COMPLEX goes on to L3 with the label", async () => {
    sidecar.replies = [LABEL("COMPLEX")];
    const res = await ask(gw);
    expect(res.headers.get("x-isartor-layer")).toBe("l3");
    expect(res.headers.get("x-isartor-l2-label")).toBe("COMPLEX");
    expect(sidecar.requests.length).toBe(1);
  });

  test("an unparseable label, a 500 or a stall past the timeout fail open to L3", async () => {
    const cases: [object, string][] = [
      [{ text: "I think it is simple" }, "unclassified"],
      [{ status: 500 }, "error"],
      [{ ...LABEL("TEMPLATE"), delayMs: 1500 }, "timeout"],
    ];
    for (const [reply, reason] of cases) {
      sidecar.replies = [reply as never];
      const res = await ask(gw);
      expect(res.headers.get("x-isartor-layer")).toBe("l3");
      expect(res.headers.get("x-isartor-l2-skip")).toBe(reason);
      expect(((await res.json()) as any).choices[0].message.content).toBe("from the cloud");
    }
  }, 20_000);

  test("an answer stream that breaks before its first token fails open", async () => {
    sidecar.replies = [LABEL("TEMPLATE"), { text: "x", errorMidStream: "overloaded", pieces: [""] }];
    const res = await ask(gw, { stream: true });
    expect(res.headers.get("x-isartor-layer")).toBe("l3");
  });

  test("an answer stream that breaks after its first token ends with an error event", async () => {
    sidecar.replies = [LABEL("TEMPLATE"), { text: "Hi there", pieces: ["Hi ", "there"], errorMidStream: "overloaded" }];
    const res = await ask(gw, { stream: true });
    expect(res.headers.get("x-isartor-layer")).toBe("l2");
    const text = await res.text();
    expect(text).toContain('"content":"Hi "');
    expect(text).toContain("the local model stopped");
    expect(text).toContain("overloaded");
  });
});

describe("router_backend = vllm", () => {
  let vllm: MockUpstream;
  let sidecar: MockUpstream;
  let cloud: MockUpstream;
  const gateways: RunningGateway[] = [];
  beforeAll(() => {
    vllm = startMockOpenAI();
    sidecar = startMockOpenAI();
    cloud = startMockOpenAI([{ text: "from the cloud" }]);
  });
  afterAll(async () => {
    for (const g of gateways) await g.stop();
    vllm.stop();
    sidecar.stop();
    cloud.stop();
  });
  const start = async (env: Record<string, string>) => {
    const gw = await startTestGateway({
      ISARTOR__CACHE_MODE: "exact",
      ISARTOR__ROUTER_BACKEND: "vllm",
      ISARTOR__VLLM_URL: vllm.url,
      ISARTOR__VLLM_MODEL: "Qwen/Qwen2.5-1.5B-Instruct",
      ISARTOR__LAYER2__CLASSIFIER_MODE: "binary",
      ISARTOR__EXTERNAL_LLM_BASE_URL: cloud.url,
      ISARTOR__EXTERNAL_LLM_API_KEY: "sk-up",
      ...env,
    });
    gateways.push(gw);
    return gw;
  };

  test("vLLM classifies (binary, repetition_penalty) and answers a SIMPLE request, streaming", async () => {
    const gw = await start({});
    vllm.replies = [LABEL("SIMPLE"), { text: "Hello back", pieces: ["Hello ", "back"] }];
    vllm.requests.length = 0;
    const res = await ask(gw, { stream: true });
    expect(res.headers.get("x-isartor-layer")).toBe("l2");
    expect(await res.text()).toContain("back");
    const [classify, answer] = vllm.requests.map((r) => r.body);
    expect(classify.model).toBe("Qwen/Qwen2.5-1.5B-Instruct");
    expect(classify.repetition_penalty).toBe(1.1);
    expect(classify.response_format.json_schema.schema.properties.label.enum).toEqual(["SIMPLE", "COMPLEX"]);
    expect(answer.stream).toBe(true);
    const health = (await (await fetch(`${gw.url}/health`)).json()) as any;
    expect(health.l2).toMatchObject({ backend: "vllm", classifier_mode: "binary" });
  });

  test("vLLM classifies, the llama.cpp sidecar answers", async () => {
    const gw = await start({ ISARTOR__INFERENCE_ENGINE: "sidecar", ISARTOR__LAYER2__SIDECAR_URL: sidecar.url });
    vllm.replies = [LABEL("SIMPLE")];
    sidecar.replies = [{ text: "from the sidecar" }];
    vllm.requests.length = 0;
    sidecar.requests.length = 0;
    const res = await ask(gw);
    expect(res.headers.get("x-isartor-layer")).toBe("l2");
    expect(((await res.json()) as any).choices[0].message.content).toBe("from the sidecar");
    expect(vllm.requests.length).toBe(1);
    expect(sidecar.requests.length).toBe(1);
    expect(((await (await fetch(`${gw.url}/health`)).json()) as any).l2.backend).toBe("vllm+sidecar");
  });

  test("an unreachable vLLM fails open", async () => {
    const gw = await start({ ISARTOR__VLLM_URL: "http://127.0.0.1:9" });
    const res = await ask(gw);
    expect(res.headers.get("x-isartor-layer")).toBe("l3");
    expect(res.headers.get("x-isartor-l2-skip")).toBe("error");
  });
});
