import { expect, test } from "bun:test";
import { classify } from "../../src/optimizer/classify.ts";
import { dedupSlots, REPEATED_MARKER } from "../../src/optimizer/dedup.ts";
import { crunchLogs } from "../../src/optimizer/log-crunch.ts";
import { minify, minifyJson } from "../../src/optimizer/minify.ts";

const CLAUDE_MD = [
  "# Project rules",
  "- Use TypeScript strict mode everywhere and never disable a lint rule without a comment explaining why it is safe.",
  "- Tests live under tests/ and mirror src/; every change ships with a test that fails without it.",
].join("\n");

const name = (i: number) => String.fromCharCode(97 + (i % 26)) + String.fromCharCode(97 + Math.floor(i / 26));
const javaTrace = (frames: number) =>
  ["Exception in thread \"main\" java.lang.IllegalStateException: boom", ...Array.from({ length: frames }, (_, i) => `\tat com.acme.Service.${name(i)}(Service.java:${i + 10})`)].join("\n");

test("classifier: JSON, logs and prose", () => {
  expect(classify('{"a": [1, 2]}')).toBe("json");
  expect(classify(Array.from({ length: 10 }, (_, i) => `2024-05-01 10:00:0${i % 10} INFO worker ${i} started`).join("\n"))).toBe("log");
  expect(classify("Please refactor this function.\nIt is too long.")).toBe("prose");
  expect(classify("{not json}")).toBe("prose");
});

test("dedup keeps the first copy, references later ones, and never touches system text", () => {
  const out = dedupSlots(
    [
      { text: CLAUDE_MD, protected: true },
      { text: `${CLAUDE_MD}\n\nFix the login bug.`, protected: false },
      { text: `Here are the rules again:\n\n${CLAUDE_MD}`, protected: false },
      { text: CLAUDE_MD, protected: true },
    ],
    100,
  );
  expect(out[0]).toBe(CLAUDE_MD);
  expect(out[1]).toBe(`${REPEATED_MARKER}\n\nFix the login bug.`);
  expect(out[2]).toBe(`Here are the rules again:\n\n${REPEATED_MARKER}`);
  expect(out[3]).toBe(CLAUDE_MD);
});

test("dedup within one message, and short blocks are never replaced", () => {
  const [out] = dedupSlots([{ text: `${CLAUDE_MD}\n\nok\n\n${CLAUDE_MD}\n\nok`, protected: false }], 100);
  expect(out).toBe(`${CLAUDE_MD}\n\nok\n\n${REPEATED_MARKER}\n\nok`);
});

test("log crunch collapses repeated lines with a count and keeps error lines", () => {
  const lines = [
    "2024-05-01 10:00:00 INFO boot",
    ...Array.from({ length: 50 }, (_, i) => `2024-05-01 10:00:${String(i).padStart(2, "0")} DEBUG polling queue id=${i}`),
    "2024-05-01 10:01:00 ERROR connection refused",
    "2024-05-01 10:01:01 INFO shutdown",
  ];
  const out = crunchLogs(lines.join("\n"), 120);
  expect(out).toContain("[isartor: 48 similar lines omitted]");
  expect(out).toContain("ERROR connection refused");
  expect(out).toContain("INFO shutdown");
  expect(out.split("\n")).toHaveLength(6);
  expect(out).toContain("DEBUG polling queue id=49"); // a run keeps its last line
});

test("log crunch keeps head, tail and important lines of a huge log, saying how much went", () => {
  const words = ["GET /users", "POST /orders", "cache miss", "GET /health", "job finished", "PUT /cart", "login ok"];
  const lines = Array.from({ length: 1000 }, (_, i) => `12:00:${i % 60} INFO ${words[i % 7]} took ${i % 13}ms`);
  lines[500] = "12:00:00 WARN disk almost full";
  const out = crunchLogs(lines.join("\n"), 50).split("\n");
  expect(out.length).toBeLessThanOrEqual(54);
  expect(out[0]).toBe(lines[0]);
  expect(out.at(-1)).toBe(lines[999]);
  expect(out).toContain("12:00:00 WARN disk almost full");
  expect(out.some((l) => /\[isartor: \d+ log lines omitted\]/.test(l))).toBe(true);
});

test("a long stack trace inside prose keeps its top and bottom frames", () => {
  const trace = javaTrace(40);
  const out = crunchLogs(`My service crashed:\n\n${trace}\n\nWhat is wrong?`, 120);
  expect(out).toContain(`.${name(0)}(`);
  expect(out).toContain(`.${name(39)}(`);
  expect(out).not.toContain(`.${name(20)}(`);
  expect(out).toContain("[isartor: 31 stack frame lines omitted]");
  expect(out.startsWith("My service crashed:")).toBe(true);
  expect(out.endsWith("What is wrong?")).toBe(true);
  expect(crunchLogs(`short:\n${javaTrace(5)}`, 120)).toBe(`short:\n${javaTrace(5)}`);
});

test("JSON minification keeps strings, big numbers and duplicate keys exactly", () => {
  const json = '{\n  "a" : "x  y\\" z",\n  "n": 12345678901234567890,\n  "a": [ 1, 2 ]\n}';
  expect(minifyJson(json)).toBe('{"a":"x  y\\" z","n":12345678901234567890,"a":[1,2]}');
  expect(minify(json)).toBe('{"a":"x  y\\" z","n":12345678901234567890,"a":[1,2]}');
});

test("minify tidies prose and fenced JSON but leaves other code blocks alone", () => {
  const text = "Look:   \n\n\n\n```json\n{ \"k\": 1 }\n```\n\n```python\ndef f():\n    return 1   \n\n\n\n```\nend";
  expect(minify(text)).toBe('Look:\n\n```json\n{"k":1}\n```\n\n```python\ndef f():\n    return 1   \n\n\n\n```\nend');
});
