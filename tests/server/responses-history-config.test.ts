// responses.history_* bound the answers kept for previous_response_id; 0 entries keeps none.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";

let upstream: MockUpstream;
beforeAll(() => {
  upstream = startMockOpenAI([{ text: "first answer" }]);
});
afterAll(() => upstream.stop());

async function continueAfterFirst(env: Record<string, string>): Promise<number> {
  const gw = await startTestGateway({ ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url, ISARTOR__CACHE_MODE: "exact", ...env });
  try {
    const post = (body: unknown) => fetch(`${gw.url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const first = await post({ model: "gpt-4o-mini", input: `remember me ${Math.random()}` });
    expect(first.status).toBe(200);
    const { id } = (await first.json()) as { id: string };
    const next = await post({ model: "gpt-4o-mini", input: "and then?", previous_response_id: id });
    await next.text();
    return next.status;
  } finally {
    await gw.stop();
  }
}

test("by default an answer can be continued", async () => {
  expect(await continueAfterFirst({})).toBe(200);
});

test("history_max_entries = 0 keeps nothing: previous_response_id is unknown (400)", async () => {
  expect(await continueAfterFirst({ ISARTOR__RESPONSES__HISTORY_MAX_ENTRIES: "0" })).toBe(400);
});
