// The AIMD decorator in front of a real (mock) upstream, through the gateway.
import { afterEach, expect, test } from "bun:test";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";

let upstream: MockUpstream | undefined;
let gateway: RunningGateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  upstream?.stop();
});

const ask = (text: string, stream = false) =>
  fetch(`${gateway!.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-isartor-cache": "bypass" },
    body: JSON.stringify({ model: "gpt-4o-mini", stream, messages: [{ role: "user", content: text }] }),
  });

const limiter = () => {
  return gateway!.services.runtime.limiters[0]!.limiter;
};

test("a held stream keeps its slot; the next caller waits, then gets 503 in OpenAI shape", async () => {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  upstream = startMockOpenAI([{ text: "one two three", holdAfterFirst: gate }]);
  gateway = await startTestGateway(
    { ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url, ISARTOR__AIMD__INITIAL_LIMIT: "1", ISARTOR__AIMD__MAX_LIMIT: "1", ISARTOR__AIMD__QUEUE_TIMEOUT_MS: "300" },
    { logSink: () => {} },
  );
  const held = await ask("hold me", true);
  expect(held.status).toBe(200);
  const reader = held.body!.getReader();
  await reader.read(); // first frame arrived: the slot is taken
  expect(limiter().inFlight).toBe(1);
  const waited = await ask("second");
  expect(waited.status).toBe(503);
  const body = (await waited.json()) as { error: { code: string } };
  expect(body.error.code).toBe("upstream_concurrency_limit");
  expect(waited.headers.get("retry-after")).toBe("1");
  open();
  while (!(await reader.read()).done);
  expect(limiter().inFlight).toBe(0);
  expect((await ask("third")).status).toBe(200);
});

test("upstream 429s halve the limit; healthy traffic grows it back", async () => {
  upstream = startMockOpenAI([{ status: 429 }, { text: "ok" }]);
  gateway = await startTestGateway(
    { ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url, ISARTOR__AIMD__INITIAL_LIMIT: "8", ISARTOR__RETRY__MAX_RETRIES: "0" },
    { logSink: () => {} },
  );
  expect((await ask("a")).status).toBe(429);
  expect(limiter().limit).toBe(4);
  for (let round = 0; round < 3; round++) {
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => ask(`grow ${round} ${i}`)));
    for (const a of answers) expect(a.status).toBe(200);
  }
  expect(limiter().limit).toBeGreaterThan(4);
});
