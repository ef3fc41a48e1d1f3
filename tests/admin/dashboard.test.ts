// The embedded dashboard in a real browser (Debian's chromium through playwright-core): after real
// traffic (L3 calls, then L1a hits, one refused call) and the admin key typed once, the tabs show the
// live numbers. A screenshot is saved under the OS temp dir (path printed); with
// UPDATE_DASHBOARD_SCREENSHOT=1 it also replaces docs/dashboard.png.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import type { RunningGateway } from "../../src/server/server.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";

const CHROMIUM = "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available) console.log(`skipping the dashboard browser test: ${CHROMIUM} is not installed (apt-get install -y chromium)`);

const ADMIN = "browser-admin-key-0123456789";
const GATEWAY = "browser-gateway-key-0123456789";
const QUESTIONS = ["How do I rotate a key?", "What does L1b cache?", "Which layer answered?"];
const T = 60_000;
/** [days ago, cloud calls, deflected answers] already in the usage log when the gateway starts */
const HISTORY: [number, number, number][] = [[6, 12, 8], [5, 10, 11], [4, 9, 14], [3, 8, 15], [2, 6, 18], [1, 5, 20]];
const sum = (i: 1 | 2) => HISTORY.reduce((n, h) => n + h[i], 0);

function usageLines(daysAgo: number, cloud: number, deflected: number): string[] {
  const ts = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  const rec = (saved: boolean) => `${JSON.stringify({ ts, layer: saved ? "l1a" : "l3", provider: "openai", model: "gpt-4o-mini", input_tokens: 120, output_tokens: 80, cost_usd: 0.0002, latency_ms: saved ? 0 : 900, status: "ok", ...(saved ? { saved } : {}) })}\n`;
  return [...Array.from({ length: cloud }, () => rec(false)), ...Array.from({ length: deflected }, () => rec(true))];
}

let upstream: MockUpstream;
let gateway: RunningGateway;
let context: BrowserContext;
let page: Page;
let profile: string;
let configFile: string;
const pageErrors: string[] = [];

const ask = (content: string, key = GATEWAY) =>
  fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }),
  });

describe.skipIf(!available)("dashboard in headless Chromium", () => {
  beforeAll(async () => {
    upstream = startMockOpenAI([{ text: "An answer from the mock upstream." }]);
    const dir = mkdtempSync(join(tmpdir(), "isartor-dash-cfg-"));
    configFile = join(dir, "isartor.toml");
    writeFileSync(configFile, "# written by hand\ncache_ttl_secs = 300 # keep\n");
    // the usage log of earlier days, read once by the dashboard for the 7-day views
    writeFileSync(join(dir, "usage.jsonl"), HISTORY.flatMap(([daysAgo, cloud, deflected]) => usageLines(daysAgo, cloud, deflected)).join(""));
    gateway = await startTestGateway(
      {
        ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url,
        ISARTOR__EXTERNAL_LLM_API_KEY: "sk-browser-provider-secret-0123456789",
        ISARTOR__CACHE_MODE: "exact",
        ISARTOR__ADMIN_API_KEY: ADMIN,
        ISARTOR__GATEWAY_API_KEY: GATEWAY,
        ISARTOR__USAGE__PATH: join(dir, "usage.jsonl"),
      },
      { logSink: () => {}, configFile },
    );
    for (const q of QUESTIONS) expect((await ask(q)).headers.get("x-isartor-layer")).toBe("l3");
    for (const q of [...QUESTIONS, ...QUESTIONS]) expect((await ask(q)).headers.get("x-isartor-layer")).toBe("l1a");
    expect((await ask("no key", "wrong-key")).status).toBe(401);

    const { chromium } = await import("playwright-core");
    profile = mkdtempSync(join(tmpdir(), "isartor-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1280, height: 900 },
      timeout: T,
    });
    page = await context.newPage();
    page.setDefaultTimeout(T);
    // script errors and CSP refusals (the page forbids inline styles and scripts) fail the last test
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("console", (msg) => {
      // the one 400 is the config test's deliberately invalid value
      if (msg.type() === "error" && !/status of 400/.test(msg.text())) pageErrors.push(msg.text());
    });
  }, 2 * T);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await gateway?.stop();
    upstream?.stop();
  });

  test("asks for the admin key once, keeps it in sessionStorage, and the Overview shows the live numbers", async () => {
    const nav = await page.goto(`${gateway.url}/dashboard`);
    expect(nav?.url()).toBe(`${gateway.url}/dashboard/`);
    await page.locator("#login-key").fill(ADMIN);
    await page.locator("#login-submit").click();
    await page.waitForFunction(() => document.querySelector("#ov-total")?.textContent === "10");
    expect(await page.evaluate(() => sessionStorage.getItem("isartor.adminKey"))).toBe(ADMIN);
    expect(await page.textContent('[data-count="l3"]')).toBe("3");
    expect(await page.textContent('[data-count="l1a"]')).toBe("6");
    expect(await page.textContent('[data-count="l0"]')).toBe("1");
    expect(await page.textContent("#ov-deflection")).toBe("66.7%");
    expect(await page.textContent('[data-cache="exact"]')).toBe("3 entries");
    // the chart draws this minute's requests as stacked bars per layer
    expect(await page.locator('#ov-chart rect[data-layer="l1a"]').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#ov-chart rect[data-layer="l3"]').count()).toBeGreaterThanOrEqual(1);
    expect(await page.textContent("#uptime")).toMatch(/^up \d/);
    // the 7-day deflection line: one point per day with answers; today's is 6 deflected of 9 answered
    expect(await page.locator("#ov-spark circle").count()).toBe(HISTORY.length + 1);
    expect(await page.textContent('#ov-spark [data-rate="today"]')).toBe("66.7%");

    const shot = join(mkdtempSync(join(tmpdir(), "isartor-dashboard-")), "dashboard-overview.png");
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`dashboard screenshot: ${shot}`);
    if (process.env.UPDATE_DASHBOARD_SCREENSHOT === "1") copyFileSync(shot, resolve(import.meta.dir, "../../docs/dashboard.png"));
  }, 2 * T);

  test("the Request Log lists the requests newest first and expands a row", async () => {
    await page.locator('.tabs button[data-tab="requests"]').click();
    await page.waitForFunction(() => document.querySelectorAll("#req-table tr.entry").length >= 10);
    const layers = await page.locator("#req-table tr.entry .badge").allTextContents();
    expect(layers.slice(0, 7)).toEqual(["l0", "l1a", "l1a", "l1a", "l1a", "l1a", "l1a"]);
    expect(layers.filter((l) => l === "l3")).toHaveLength(3);
    await page.locator("#req-table tr.entry").nth(1).click();
    const detail = page.locator("#req-table tr.detail pre");
    await detail.waitFor();
    const entry = JSON.parse((await detail.textContent())!);
    expect(entry).toMatchObject({ layer: "l1a", status: 200, model: "gpt-4o-mini", saved: true });
    expect(await page.content()).not.toContain(GATEWAY);
  }, 2 * T);

  test("Providers shows the provider's health and key pool, and the connection test reaches it", async () => {
    await page.locator('.tabs button[data-tab="providers"]').click();
    const row = page.locator('#prov-table tr[data-provider="openai"]');
    await row.waitFor();
    expect(await row.locator(".badge").textContent()).toBe("healthy");
    expect(await row.textContent()).toContain("1/1");
    await row.locator('button[data-test="openai"]').click();
    await page.waitForFunction(() => /reachable/.test(document.querySelector('[data-test-result="openai"]')?.textContent ?? ""));
    expect(await page.textContent('[data-test-result="openai"]')).toContain("1 models");
  }, 2 * T);

  test("Usage shows the cloud calls and the deflections", async () => {
    await page.locator('.tabs button[data-tab="usage"]').click();
    // the last 7 days: this run's 3 calls and 6 hits plus what the log held from before the start
    await page.waitForFunction((calls) => document.querySelector("#us-calls")?.textContent === calls, String(3 + sum(1)));
    expect(await page.textContent("#us-deflected")).toBe(String(6 + sum(2)));
    expect(await page.locator("#us-chart rect").count()).toBeGreaterThanOrEqual(2 * HISTORY.length);
    expect(await page.locator("#us-table tbody tr").first().textContent()).toContain("gpt-4o-mini");
  }, 2 * T);

  test("Configuration shows the masked settings and an edit form", async () => {
    await page.locator('.tabs button[data-tab="config"]').click();
    await page.locator("#cfg-cache_mode").waitFor();
    expect(await page.inputValue("#cfg-cache_mode")).toBe("exact");
    expect(await page.inputValue("#cfg-admin_api_key")).toBe("[REDACTED]");
    expect(await page.textContent("#cfg-view")).not.toContain(ADMIN);
    await page.locator("#cfg-filter").fill("similarity");
    expect(await page.locator("#cfg-form .field:not(.hidden)").count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator("#cfg-cache_mode").isVisible()).toBe(false);
    await page.locator("#cfg-filter").fill("");
  }, 2 * T);

  test("saving the form writes isartor.toml, keeps its comments and says a restart is needed", async () => {
    await page.locator("#cfg-cache_ttl_secs").fill("600");
    await page.locator("#cfg-save").click();
    await page.waitForFunction(() => /restart/i.test(document.querySelector("#banner")?.textContent ?? ""));
    expect(await page.textContent("#cfg-result")).toContain("saved 1 setting(s)");
    expect(readFileSync(configFile, "utf8")).toBe("# written by hand\ncache_ttl_secs = 600 # keep\n");
    await page.locator("#cfg-similarity_threshold").fill("7");
    await page.locator("#cfg-save").click();
    await page.waitForFunction(() => /not saved/.test(document.querySelector("#cfg-result")?.textContent ?? ""));
    expect(await page.textContent("#cfg-result")).toContain("'similarity_threshold'");
    expect(readFileSync(configFile, "utf8")).toBe("# written by hand\ncache_ttl_secs = 600 # keep\n");
  }, 2 * T);

  test("the page ran without script errors or CSP refusals", () => {
    expect(pageErrors).toEqual([]);
  });
});
