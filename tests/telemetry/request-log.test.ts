// The request log (ADR-014) from a real gateway: one redacted JSON line per request, bodies only
// when asked for, refusals and 404s included, rotation bounded by max_file_bytes / max_files.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RequestLogRecord } from "../../src/telemetry/request-log.ts";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI } from "../helpers/mock-openai-upstream.ts";

const PROVIDER_KEY = "sk-reqlog-provider-key-0123456789abc";
const GATEWAY_KEY = "gw-reqlog-key-0123456789";
const upstream = startMockOpenAI([{ text: "Logged answer." }]);
afterAll(() => upstream.stop());

async function gatewayLogging(env: Record<string, string> = {}) {
  const path = join(mkdtempSync(join(tmpdir(), "isartor-reqlog-")), "requests.jsonl");
  const gw = await startTestGateway({
    ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url,
    ISARTOR__EXTERNAL_LLM_API_KEY: PROVIDER_KEY,
    ISARTOR__GATEWAY_API_KEY: GATEWAY_KEY,
    ISARTOR__CACHE_MODE: "exact",
    ISARTOR__REQUEST_LOG__PATH: path,
    ...env,
  });
  return { gw, path };
}

async function records(gw: RunningGateway, path: string): Promise<RequestLogRecord[]> {
  await gw.services.telemetry.requestLog!.flush();
  return readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l) as RequestLogRecord);
}

const chat = (gw: RunningGateway, content: string, opts: { stream?: boolean; headers?: Record<string, string> } = {}) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${GATEWAY_KEY}`, ...opts.headers },
    body: JSON.stringify({ model: "gpt-4o-mini", stream: opts.stream ?? false, messages: [{ role: "user", content }] }),
  }).then(async (r) => ({ status: r.status, layer: r.headers.get("x-isartor-layer"), body: await r.text() }));

describe("request log", () => {
  test("one line per request: layer, status, tokens, duration; refusals and 404s as l0; no bodies by default", async () => {
    const { gw, path } = await gatewayLogging();
    try {
      expect((await chat(gw, "log me")).layer).toBe("l3");
      expect((await chat(gw, "log me")).layer).toBe("l1a");
      expect((await chat(gw, "log me", { headers: { authorization: "Bearer wrong-key-000000" } })).status).toBe(401);
      expect((await fetch(`${gw.url}/v1/nowhere`, { headers: { authorization: `Bearer ${GATEWAY_KEY}` } })).status).toBe(404);
      const recs = await records(gw, path);
      expect(recs.map((r) => [r.layer, r.final_layer, r.status])).toEqual([
        ["l3", "L3_Cloud", 200],
        ["l1a", "L1a_ExactCache", 200],
        ["l0", "L0_Guard", 401],
        ["l0", "L0_Guard", 404],
      ]);
      const [l3, l1a] = recs;
      expect(l3!.provider).toBe("openai");
      expect(l3!.model).toBe("gpt-4o-mini");
      expect(l3!.deflected).toBe(false);
      expect(l1a!.deflected).toBe(true);
      expect([l3!.tokens_in, l3!.tokens_out]).toEqual([11, 7]);
      expect(l3!.id).toStartWith("req_");
      expect(l3!.duration_ms).toBeGreaterThan(0);
      expect(recs.every((r) => r.request === undefined && r.response === undefined)).toBe(true);
    } finally {
      await gw.stop();
    }
  });

  test("with include_bodies: bodies and headers logged, every secret redacted (prompt, headers, upstream error)", async () => {
    const { gw, path } = await gatewayLogging({ ISARTOR__REQUEST_LOG__INCLUDE_BODIES: "true" });
    try {
      upstream.replies = [{ text: "Logged answer." }];
      await chat(gw, `please keep ${PROVIDER_KEY} safe`, { headers: { "x-api-key": GATEWAY_KEY } });
      await chat(gw, "stream me", { stream: true });
      upstream.replies = [{ status: 401, errorBody: { error: { message: `Incorrect API key provided: ${PROVIDER_KEY}` } } }];
      await chat(gw, "upstream refuses");
      upstream.replies = [{ text: "Logged answer." }];
      const logged = await records(gw, path);
      const text = readFileSync(path, "utf8");
      expect(text).not.toContain(PROVIDER_KEY);
      expect(text).not.toContain(GATEWAY_KEY);
      const [plain, streamed, failed] = logged;
      expect(plain!.request!.headers.authorization).toBe("[REDACTED]");
      expect(plain!.request!.headers["x-api-key"]).toBe("[REDACTED]");
      expect(JSON.stringify(plain!.request!.body)).toContain("please keep [REDACTED] safe");
      expect(JSON.stringify(plain!.response!.body)).toContain("Logged answer.");
      expect(streamed!.stream).toBe(true);
      expect(streamed!.response!.text).toBe("Logged answer.");
      expect(streamed!.tokens_out).toBe(7);
      expect(failed!.status).toBeGreaterThanOrEqual(400);
      expect(failed!.error).toContain("[REDACTED]");
    } finally {
      await gw.stop();
    }
  });

  test("rotation keeps the log within max_file_bytes × (max_files + 1)", async () => {
    const { gw, path } = await gatewayLogging({ ISARTOR__REQUEST_LOG__MAX_FILE_BYTES: "1024", ISARTOR__REQUEST_LOG__MAX_FILES: "2" });
    try {
      for (let i = 0; i < 40; i++) await chat(gw, `rotate ${i % 3}`);
      await gw.services.telemetry.requestLog!.flush();
      expect(existsSync(`${path}.1`)).toBe(true);
      expect(existsSync(`${path}.2`)).toBe(true);
      expect(existsSync(`${path}.3`)).toBe(false);
      for (const f of [path, `${path}.1`, `${path}.2`]) {
        expect(statSync(f).size).toBeLessThanOrEqual(1024);
        for (const line of readFileSync(f, "utf8").trim().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
      }
    } finally {
      await gw.stop();
    }
  });

  test("request_log.enabled = false writes nothing", async () => {
    const { gw, path } = await gatewayLogging({ ISARTOR__REQUEST_LOG__ENABLED: "false" });
    try {
      await chat(gw, "not logged");
      expect(gw.services.telemetry.requestLog).toBeUndefined();
      await Bun.sleep(100);
      expect(existsSync(path)).toBe(false);
    } finally {
      await gw.stop();
    }
  });
});
