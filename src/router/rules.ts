// Routing rules (ADR-027): ordered conditions on head labels → a target. The
// [classifier_routing.matrix] shorthand (complexity × task_type → target, "default" = any) compiles
// into rules that come after the explicit ones, most specific cell first.
import { HEAD_NAMES, type HeadName } from "./artifact.ts";
import type { Classification } from "./classify.ts";

export const LOCAL_TARGET = "local";
/** layers a rule may ask to skip (never L0 or L3) */
export const SKIPPABLE_LAYERS = ["l1a", "l1b", "l2", "l2.5"] as const;
export type SkippableLayer = (typeof SKIPPABLE_LAYERS)[number];

/** One [[classifier_routing.rules]] table as written in the configuration. */
export interface RuleConfig {
  name?: string;
  task_type?: string | string[];
  complexity?: string | string[];
  persona?: string | string[];
  domain?: string | string[];
  /** "provider/model", a model name or alias, or "local" (stay on the cache / local-model path) */
  target: string;
  skip_layers?: string[];
}

/** complexity label (or "default") → task_type label (or "default") → target */
export type MatrixConfig = Record<string, Record<string, string>>;

export interface RoutingRule {
  name: string;
  when: Partial<Record<HeadName, string[]>>;
  target: string;
  skip: SkippableLayer[];
}

const WILDCARD = "default";
const RULE_KEYS = new Set<string>(["name", "target", "skip_layers", ...HEAD_NAMES]);

function isLabelList(v: unknown): boolean {
  const list = Array.isArray(v) ? v : [v];
  return list.length > 0 && list.every((l) => typeof l === "string" && l.trim() !== "");
}

/** Validates `classifier_routing.rules`; returns a message naming the bad entry, or undefined. */
export function validateRules(value: unknown): string | undefined {
  if (!Array.isArray(value)) return "a list of [[classifier_routing.rules]] tables";
  for (const [i, rule] of value.entries()) {
    const at = `classifier_routing.rules[${i}]`;
    if (!rule || typeof rule !== "object" || Array.isArray(rule)) return `${at} to be a table`;
    for (const key of Object.keys(rule)) if (!RULE_KEYS.has(key)) return `${at} to have only the keys ${[...RULE_KEYS].join(", ")} (found '${key}')`;
    const r = rule as Record<string, unknown>;
    if (typeof r.target !== "string" || !r.target.trim()) return `${at}.target to be "provider/model", a model name or "local"`;
    if (r.name !== undefined && (typeof r.name !== "string" || !r.name.trim())) return `${at}.name to be a non-empty string`;
    for (const head of HEAD_NAMES) if (r[head] !== undefined && !isLabelList(r[head])) return `${at}.${head} to be a label or a non-empty list of labels`;
    if (r.skip_layers !== undefined && (!Array.isArray(r.skip_layers) || !r.skip_layers.every((l) => (SKIPPABLE_LAYERS as readonly unknown[]).includes(l)))) {
      return `${at}.skip_layers to be a list of ${SKIPPABLE_LAYERS.join(", ")}`;
    }
  }
  return undefined;
}

/** Validates `classifier_routing.matrix`; returns a message naming the bad cell, or undefined. */
export function validateMatrix(value: unknown): string | undefined {
  const shape = 'a table of complexity = { task_type = "provider/model" | "local", … } ("default" matches any label)';
  if (!value || typeof value !== "object" || Array.isArray(value)) return shape;
  for (const [row, cells] of Object.entries(value)) {
    if (!cells || typeof cells !== "object" || Array.isArray(cells)) return `classifier_routing.matrix.${row} to be ${shape.slice(2)}`;
    for (const [col, target] of Object.entries(cells)) {
      if (typeof target !== "string" || !target.trim()) return `classifier_routing.matrix.${row}.${col} to be "provider/model", a model name or "local"`;
    }
  }
  return undefined;
}

const asList = (v: string | string[] | undefined) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

export function rulesFromConfig(rules: RuleConfig[]): RoutingRule[] {
  return rules.map((r, i) => {
    const when: RoutingRule["when"] = {};
    for (const head of HEAD_NAMES) {
      const labels = asList(r[head]);
      if (labels && !labels.includes(WILDCARD)) when[head] = labels;
    }
    return { name: r.name ?? `rules[${i}]`, when, target: r.target.trim(), skip: (r.skip_layers ?? []) as SkippableLayer[] };
  });
}

/** Matrix cells as rules: exact cell, then complexity row default, then task_type column default, then default/default. */
export function rulesFromMatrix(matrix: MatrixConfig): RoutingRule[] {
  const cells: { rank: number; rule: RoutingRule }[] = [];
  for (const [row, cols] of Object.entries(matrix)) {
    for (const [col, target] of Object.entries(cols)) {
      const when: RoutingRule["when"] = {};
      if (row !== WILDCARD) when.complexity = [row];
      if (col !== WILDCARD) when.task_type = [col];
      const rank = (row === WILDCARD ? 2 : 0) + (col === WILDCARD ? 1 : 0);
      cells.push({ rank, rule: { name: `matrix[${row}][${col}]`, when, target: target.trim(), skip: [] } });
    }
  }
  // stable sort keeps the configuration's order within a rank
  return cells.sort((a, b) => a.rank - b.rank).map((c) => c.rule);
}

/**
 * The first rule whose every condition holds. A head below `minConfidence` counts as unknown: it
 * matches no condition on that head (only rules that do not mention it).
 */
export function matchRule(rules: RoutingRule[], c: Classification, minConfidence: number): RoutingRule | undefined {
  return rules.find((rule) =>
    (Object.entries(rule.when) as [HeadName, string[]][]).every(([head, labels]) => {
      const p = c[head];
      return p !== undefined && p.confidence >= minConfidence && labels.includes(p.label);
    }),
  );
}

/** Startup check against the artifact: every head and label a rule names must exist in it. */
export function checkRulesAgainstHeads(rules: RoutingRule[], heads: Partial<Record<HeadName, { labels: string[] }>>): string | undefined {
  for (const rule of rules) {
    for (const [head, labels] of Object.entries(rule.when) as [HeadName, string[]][]) {
      const known = heads[head]?.labels;
      if (!known) return `${rule.name} names head '${head}', which the artifact does not have (it has ${Object.keys(heads).join(", ")})`;
      const unknown = labels.find((l) => !known.includes(l));
      if (unknown) return `${rule.name} names ${head} label '${unknown}', which the artifact does not have (${head} labels: ${known.join(", ")})`;
    }
  }
  return undefined;
}
