// Shared by the deployment-file tests: YAML loading, the gateway's own config loader as the judge of
// environment settings, and a small renderer for the subset of Helm's template language the chart uses
// (helm itself is not installed here).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { loadConfig } from "../../src/config/load.ts";
import { SCHEMA, envNameFor } from "../../src/config/schema.ts";

export const ROOT = resolve(import.meta.dir, "../..");
export const DEPLOY = join(ROOT, "deploy");

export function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, ext) : ext.test(name) ? [path] : [];
  });
}

/** every document of a (multi-document) YAML file; throws on a parse error */
export function yamlDocs(text: string, where: string): any[] {
  // merge: compose files share settings through "<<: *anchor"
  return parseAllDocuments(text, { merge: true }).flatMap((doc) => {
    if (doc.errors.length) throw new Error(`${where}: ${doc.errors[0]!.message}`);
    const value = doc.toJS();
    return value === null || value === undefined ? [] : [value];
  });
}

export function yamlFile(path: string): any[] {
  return yamlDocs(readFileSync(path, "utf8"), path);
}

/** every environment name the gateway reads */
export const KNOWN_ENV = new Set(Object.entries(SCHEMA).flatMap(([path, spec]) => [envNameFor(path), ...(spec.envAliases ?? [])]));

/**
 * Loads these settings exactly as the gateway would at startup: unknown ISARTOR__ names and bad values
 * throw with the key's name. Returns the effective config.
 */
export function gatewayAccepts(env: Record<string, string>) {
  return loadConfig({ env, cwd: "/nonexistent", home: "/nonexistent" }).config;
}

/** port of a host:port setting */
export function portOf(hostPort: string): number {
  return Number(hostPort.slice(hostPort.lastIndexOf(":") + 1));
}

// ---- Helm subset: {{ expr }}, {{- … -}} trimming, if/else/end (with not, eq), range $k, $v := …,
// pipelines with quote, default, toYaml, nindent, printf "%s…" …

type Scope = { root: Record<string, unknown>; vars: Record<string, unknown> };

function lookup(path: string, scope: Scope): unknown {
  if (path.startsWith("$")) return scope.vars[path];
  let value: unknown = scope.root;
  for (const part of path.replace(/^\./, "").split(".")) value = (value as Record<string, unknown> | undefined)?.[part];
  return value;
}

function tokens(expr: string): string[] {
  return expr.match(/"(?:[^"\\]|\\.)*"|\([^)]*\)|[^\s]+/g) ?? [];
}

function atom(token: string, scope: Scope): unknown {
  if (token.startsWith('"')) return JSON.parse(token);
  if (token.startsWith("(")) return evaluate(token.slice(1, -1), scope);
  if (/^-?\d+$/.test(token)) return Number(token);
  return lookup(token, scope);
}

function toYaml(value: unknown, indent = 0): string {
  const pad = " ".repeat(indent);
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => (v !== null && typeof v === "object" ? `${pad}${k}:\n${toYaml(v, indent + 2)}` : `${pad}${k}: ${JSON.stringify(v)}`))
    .join("\n");
}

function call(fn: string, args: unknown[], scope: Scope, piped?: { value: unknown }): unknown {
  const all = piped ? [...args, piped.value] : args;
  switch (fn) {
    case "quote":
      return JSON.stringify(String(all[0] ?? ""));
    case "default":
      return all[1] === undefined || all[1] === null || all[1] === "" || all[1] === false ? all[0] : all[1];
    case "not":
      return !all[0];
    case "eq":
      return all[0] === all[1];
    case "toYaml":
      return toYaml(all[0]);
    case "nindent":
      return `\n${String(all[1])
        .split("\n")
        .map((l) => " ".repeat(Number(all[0])) + l)
        .join("\n")}`;
    case "printf":
      return String(all[0]).replace(/%s/g, () => String(all.splice(1, 1)[0]));
    default:
      throw new Error(`template function ${fn} is not supported by the test renderer`);
  }
}

function evaluate(expr: string, scope: Scope): unknown {
  let piped: { value: unknown } | undefined;
  for (const stage of expr.split("|").map((s) => s.trim())) {
    const [head, ...rest] = tokens(stage);
    const isFn = head && /^[a-zA-Z]+$/.test(head);
    piped = { value: isFn ? call(head!, rest.map((t) => atom(t, scope)), scope, piped) : atom(head!, scope) };
  }
  return piped?.value;
}

export function renderHelm(template: string, values: Record<string, unknown>, release = { Name: "test", Namespace: "isartor" }, chart: Record<string, unknown> = {}): string {
  const root = { Values: values, Release: release, Chart: chart };
  // trim markers first: "{{-" eats whitespace before, "-}}" after
  const text = template.replace(/\s*\{\{-/g, "{{").replace(/-\}\}\s*/g, "}}");
  const parts = text.split(/(\{\{[^}]*\}\})/);
  let pos = 0;
  function block(scope: Scope, until: string[]): { out: string; end: string } {
    let out = "";
    while (pos < parts.length) {
      const part = parts[pos++]!;
      if (!part.startsWith("{{")) {
        out += part;
        continue;
      }
      const expr = part.slice(2, -2).trim();
      const word = expr.split(/\s+/)[0]!;
      if (until.includes(word)) return { out, end: word };
      if (word === "if") {
        const cond = evaluate(expr.slice(2), scope);
        const thenPart = block(scope, ["else", "end"]);
        let elsePart = { out: "", end: "end" };
        if (thenPart.end === "else") elsePart = block(scope, ["end"]);
        out += cond ? thenPart.out : elsePart.out;
      } else if (word === "range") {
        const m = /^range\s+(\$\w+),\s*(\$\w+)\s*:=\s*(.+)$/.exec(expr);
        if (!m) throw new Error(`unsupported range: ${expr}`);
        const start = pos;
        const entries = Object.entries((evaluate(m[3]!, scope) as Record<string, unknown>) ?? {}).sort(([a], [b]) => a.localeCompare(b));
        let endPos = pos;
        for (const [k, v] of entries) {
          pos = start;
          out += block({ ...scope, vars: { ...scope.vars, [m[1]!]: k, [m[2]!]: v } }, ["end"]).out;
          endPos = pos;
        }
        if (entries.length === 0) block(scope, ["end"]);
        else pos = endPos;
      } else {
        const value = evaluate(expr, scope);
        out += value === undefined || value === null ? "" : String(value);
      }
    }
    return { out, end: "" };
  }
  return block({ root, vars: {} }, []).out;
}
