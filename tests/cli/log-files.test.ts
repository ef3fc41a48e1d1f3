// Following a log file as it grows and rotates; --since parsing.
import { expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { followFile, parseSince } from "../../src/cli/log-files.ts";

async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

test("followFile: appended lines, a line written in two pieces (split inside a UTF-8 character), then rotation", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "isartor-follow-")), "requests.jsonl");
  writeFileSync(path, "old line\n");
  const seen: string[] = [];
  const stop = new AbortController();
  const following = followFile(path, Buffer.byteLength("old line\n"), (l) => seen.push(l), stop.signal, 20);
  appendFileSync(path, "first\n");
  await until(() => seen.length === 1, "first");
  const euro = Buffer.from("price €5\n");
  appendFileSync(path, euro.subarray(0, 7)); // ends inside the 3-byte "€"
  await Bun.sleep(100);
  expect(seen).toEqual(["first"]);
  appendFileSync(path, euro.subarray(7));
  await until(() => seen.length === 2, "the completed line");
  // rotation: the file is renamed away and a new one started
  renameSync(path, `${path}.1`);
  writeFileSync(path, "after rotation\n");
  await until(() => seen.length === 3, "the new file's line");
  stop.abort();
  await following;
  expect(seen).toEqual(["first", "price €5", "after rotation"]);
});

test("parseSince: durations ago and ISO times; anything else is refused", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  expect(parseSince("10m", now).toISOString()).toBe("2026-03-01T11:50:00.000Z");
  expect(parseSince("2h", now).toISOString()).toBe("2026-03-01T10:00:00.000Z");
  expect(parseSince("7d", now).toISOString()).toBe("2026-02-22T12:00:00.000Z");
  expect(parseSince("30s", now).toISOString()).toBe("2026-03-01T11:59:30.000Z");
  expect(parseSince("2026-02-01T00:00:00Z", now).toISOString()).toBe("2026-02-01T00:00:00.000Z");
  for (const bad of ["yesterday", "10 minutes", "5w", ""]) expect(() => parseSince(bad, now)).toThrow("--since takes");
});
