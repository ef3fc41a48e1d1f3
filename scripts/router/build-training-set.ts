#!/usr/bin/env bun
// Builds a labelled training set for `isartor router train` from the public data sets in
// ../shared/data (see examples/router/NOTICE.md for sources and licenses). Labels come from each
// source's structure, by the rules below — they are a demonstration of the trainer on real text,
// not a hand-annotated gold standard:
//   mt_bench_questions.jsonl (first turns; category given by the data set):
//     coding → code, writing/roleplay → writing, math/reasoning → reasoning, extraction → extraction,
//     stem/humanities → question; complexity = complex (MT-Bench is RouteLLM's strong-model set);
//     domain = software for coding, else general; persona = general.
//   isartor_diverse_tasks.jsonl (500 prompts in category blocks, by line number):
//     1–80 code, 81–159 summarize, 160–239 question (technical), 240–319 extraction,
//     320–399 writing, 400–500 question (general knowledge); complexity = simple (one-line tasks);
//     domain = software for lines 1–319, general for 400–500 (none for the software-themed fiction);
//     persona = developer for 1–80, general for 400–500.
//   isartor_agent_tasks.jsonl: task_type code, complexity simple, domain software, persona developer.
//   isartor_faq_loop.jsonl (distinct prompts only): task_type question, complexity simple,
//     domain support, persona customer.
// Usage: bun scripts/router/build-training-set.ts [DATA_DIR] [OUT.jsonl]
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const dataDir = resolve(Bun.argv[2] ?? join(import.meta.dir, "../../../shared/data"));
const out = resolve(Bun.argv[3] ?? join(import.meta.dir, "../../examples/router/training-set.jsonl"));

type Row = { text: string; source: string; task_type: string; complexity: string; domain?: string; persona?: string };

const lines = (file: string) =>
  readFileSync(join(dataDir, file), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

const rows: Row[] = [];
const seen = new Set<string>();
const add = (row: Row) => {
  const key = row.text.trim().toLowerCase();
  if (seen.has(key)) return;
  seen.add(key);
  rows.push(row);
};

const MT_TASK: Record<string, string> = { coding: "code", writing: "writing", roleplay: "writing", math: "reasoning", reasoning: "reasoning", extraction: "extraction", stem: "question", humanities: "question" };
for (const q of lines("mt_bench_questions.jsonl")) {
  const task = MT_TASK[q.category];
  if (!task) throw new Error(`mt_bench category '${q.category}' has no rule`);
  add({ text: q.turns[0], source: `mt_bench:${q.question_id}`, task_type: task, complexity: "complex", domain: q.category === "coding" ? "software" : "general", persona: "general" });
}

function diverseLabels(n: number): Omit<Row, "text" | "source"> {
  if (n <= 80) return { task_type: "code", complexity: "simple", domain: "software", persona: "developer" };
  if (n <= 159) return { task_type: "summarize", complexity: "simple", domain: "software" };
  if (n <= 239) return { task_type: "question", complexity: "simple", domain: "software" };
  if (n <= 319) return { task_type: "extraction", complexity: "simple", domain: "software" };
  if (n <= 399) return { task_type: "writing", complexity: "simple" };
  return { task_type: "question", complexity: "simple", domain: "general", persona: "general" };
}
lines("isartor_diverse_tasks.jsonl").forEach((r, i) => add({ text: r.prompt, source: `diverse:${i + 1}`, ...diverseLabels(i + 1) }));
lines("isartor_agent_tasks.jsonl").forEach((r, i) => add({ text: r.prompt, source: `agent:${i + 1}`, task_type: "code", complexity: "simple", domain: "software", persona: "developer" }));
lines("isartor_faq_loop.jsonl").forEach((r, i) => add({ text: r.prompt, source: `faq:${i + 1}`, task_type: "question", complexity: "simple", domain: "support", persona: "customer" }));

writeFileSync(out, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
const count = (head: keyof Row) => Object.entries(rows.reduce<Record<string, number>>((m, r) => (r[head] ? ((m[r[head]!] = (m[r[head]!] ?? 0) + 1), m) : m), {}));
console.log(`wrote ${rows.length} examples to ${out}`);
for (const head of ["task_type", "complexity", "domain", "persona"] as const) console.log(`  ${head}: ${count(head).map(([l, n]) => `${l} ${n}`).join(", ")}`);
