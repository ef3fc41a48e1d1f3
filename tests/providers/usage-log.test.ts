import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageLog, type UsageRecord } from "../../src/providers/usage-log.ts";

const rec = (i: number): UsageRecord => ({
  ts: new Date().toISOString(),
  layer: "l3",
  provider: "p",
  model: "m",
  key_id: "p#1",
  input_tokens: i,
  output_tokens: 1,
  cost_usd: 0,
  latency_ms: 1,
  status: "ok",
});

describe("UsageLog", () => {
  test("appends one JSON line per record, creating the directory", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "isartor-usage-")), "nested", "usage.jsonl");
    const log = new UsageLog({ enabled: true, path, maxFileBytes: 1 << 20, maxFiles: 2 });
    log.append(rec(1));
    log.append(rec(2));
    await log.flush();
    const lines = readFileSync(path, "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).input_tokens)).toEqual([1, 2]);
    expect(log.totals).toMatchObject({ l3_calls: 2, tokens_in: 3, tokens_out: 2 });
  });

  test("rotates by size and keeps max_files old files; readSince reads them oldest first", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "isartor-usage-")), "usage.jsonl");
    const lineBytes = JSON.stringify(rec(10)).length + 1;
    const log = new UsageLog({ enabled: true, path, maxFileBytes: lineBytes * 2, maxFiles: 2 });
    for (let i = 10; i < 17; i++) log.append(rec(i));
    await log.flush();
    const tokens = (file: string) => readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l).input_tokens);
    expect(tokens(path)).toEqual([16]);
    expect(tokens(`${path}.1`)).toEqual([14, 15]);
    expect(tokens(`${path}.2`)).toEqual([12, 13]);
    expect(existsSync(`${path}.3`)).toBe(false);
    expect(log.readSince(new Date(0)).map((r) => r.input_tokens)).toEqual([12, 13, 14, 15, 16]);
  });

  test("disabled: nothing is written, totals and listeners still see every record", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "isartor-usage-")), "usage.jsonl");
    const log = new UsageLog({ enabled: false, path, maxFileBytes: 1 << 20, maxFiles: 1 });
    const seen: number[] = [];
    log.onRecord((r) => seen.push(r.input_tokens));
    log.append(rec(5));
    await log.flush();
    expect(existsSync(path)).toBe(false);
    expect(seen).toEqual([5]);
    expect(log.totals.l3_calls).toBe(1);
  });

  test("an unwritable path never throws into the request; failures are counted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "isartor-usage-"));
    const log = new UsageLog({ enabled: true, path: join(dir, "\0bad"), maxFileBytes: 1 << 20, maxFiles: 1 });
    log.append(rec(1));
    await log.flush();
    expect(log.writeErrors).toBe(1);
  });
});
