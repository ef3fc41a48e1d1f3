// Changes `key = value` settings in TOML text in place, so comments, blank lines, key order and the
// formatting of everything else survive (smol-toml cannot write comments back). Only the value's
// own characters are replaced; a trailing `# comment` stays. A key not yet in the file is added
// beside its siblings, under its table's header, or in a new table at the end.
//
// Not handled (the caller's loader check refuses the result): keys inside inline tables
// (`layer2 = { … }`) and keys inside arrays of tables (`[[providers]]`), which are never edited here.

export type TomlScalar = string | number | boolean | string[];

interface Statement {
  /** full dotted path: header path + key path */
  path: string[];
  /** the key as written, split into parts (relative to the header) */
  keyParts: string[];
  valueStart: number;
  valueEnd: number;
  /** offset just past the statement's line (after its newline) */
  lineEnd: number;
  /** the header this statement sits under ([] = root) */
  header: string[];
  inArrayTable: boolean;
}

interface Header {
  path: string[];
  array: boolean;
  lineEnd: number;
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

export function tomlKey(part: string): string {
  return BARE_KEY.test(part) ? part : tomlString(part);
}

export function tomlString(s: string): string {
  // JSON escapes are valid TOML basic-string escapes; TOML also forbids a raw DEL
  return JSON.stringify(s).replace(/\u007f/g, "\\u007F");
}

export function tomlValue(v: TomlScalar): string {
  if (Array.isArray(v)) return `[${v.map(tomlString).join(", ")}]`;
  if (typeof v === "string") return tomlString(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`cannot write ${v} to TOML`);
    return String(v);
  }
  return v ? "true" : "false";
}

/** Applies the changes (dotted path → value) and returns the new text. */
export function editToml(text: string, changes: Record<string, TomlScalar>): string {
  let out = text;
  for (const [path, value] of Object.entries(changes)) out = setOne(out, path.split("."), tomlValue(value));
  return out;
}

function setOne(text: string, path: string[], rendered: string): string {
  const { statements, headers } = scan(text);
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const existing = statements.find((s) => !s.inArrayTable && same(s.path, path));
  if (existing) return text.slice(0, existing.valueStart) + rendered + text.slice(existing.valueEnd);

  const table = path.slice(0, -1);
  const leaf = path.at(-1)!;
  // beside the last sibling, written the way the sibling is written (under a header or dotted)
  const sibling = statements.filter((s) => !s.inArrayTable && same(s.path.slice(0, -1), table)).at(-1);
  if (sibling) {
    const prefix = sibling.keyParts.slice(0, -1);
    return insertLine(text, sibling.lineEnd, `${[...prefix, leaf].map(tomlKey).join(".")} = ${rendered}`);
  }
  const header = headers.find((h) => !h.array && same(h.path, table));
  if (header) return insertLine(text, header.lineEnd, `${tomlKey(leaf)} = ${rendered}`);
  if (table.length === 0) {
    // root keys must come before the first header
    const firstHeader = headers[0];
    const at = firstHeader ? lineStartBefore(text, firstHeader.lineEnd) : text.length;
    return insertLine(text, at, `${tomlKey(leaf)} = ${rendered}`);
  }
  const sep = text.length === 0 || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n";
  return `${text}${sep}[${table.map(tomlKey).join(".")}]\n${tomlKey(leaf)} = ${rendered}\n`;
}

function insertLine(text: string, at: number, line: string): string {
  const before = text.slice(0, at);
  const lead = before.length && !before.endsWith("\n") ? "\n" : "";
  return `${before}${lead}${line}\n${text.slice(at)}`;
}

function lineStartBefore(text: string, lineEnd: number): number {
  const end = text[lineEnd - 1] === "\n" ? lineEnd - 1 : lineEnd;
  return text.lastIndexOf("\n", end - 1) + 1;
}

/** Finds every header and key/value statement with the offsets of its value. */
function scan(text: string): { statements: Statement[]; headers: Header[] } {
  const statements: Statement[] = [];
  const headers: Header[] = [];
  let header: string[] = [];
  let inArrayTable = false;
  let i = 0;
  while (i < text.length) {
    i = skipSpaces(text, i);
    const c = text[i];
    if (c === undefined) break;
    if (c === "\n" || c === "\r" || c === "#") {
      i = lineEnd(text, i);
      continue;
    }
    if (c === "[") {
      const array = text[i + 1] === "[";
      const parsed = parseKey(text, i + (array ? 2 : 1));
      header = parsed.parts;
      inArrayTable = array;
      i = lineEnd(text, parsed.end);
      headers.push({ path: header, array, lineEnd: i });
      continue;
    }
    const key = parseKey(text, i);
    let j = skipSpaces(text, key.end);
    if (text[j] !== "=") {
      // not a statement we understand: skip the line (the loader decides whether it is valid)
      i = lineEnd(text, i);
      continue;
    }
    j = skipSpaces(text, j + 1);
    const valueEnd = scanValue(text, j);
    const end = lineEnd(text, valueEnd);
    statements.push({ path: [...header, ...key.parts], keyParts: key.parts, valueStart: j, valueEnd, lineEnd: end, header, inArrayTable });
    i = end;
  }
  return { statements, headers };
}

function skipSpaces(text: string, i: number): number {
  while (text[i] === " " || text[i] === "\t") i++;
  return i;
}

function lineEnd(text: string, i: number): number {
  const nl = text.indexOf("\n", i);
  return nl === -1 ? text.length : nl + 1;
}

/** A dotted key (bare or quoted parts) starting at i; ends at '=' / ']' / end of line. */
function parseKey(text: string, i: number): { parts: string[]; end: number } {
  const parts: string[] = [];
  for (;;) {
    i = skipSpaces(text, i);
    const c = text[i];
    if (c === '"' || c === "'") {
      const end = scanString(text, i);
      const raw = text.slice(i, end);
      parts.push(c === '"' ? safeJson(raw) : raw.slice(1, -1));
      i = end;
    } else {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_-]/.test(text[i]!)) i++;
      parts.push(text.slice(start, i));
    }
    i = skipSpaces(text, i);
    if (text[i] !== ".") break;
    i++;
  }
  while (text[i] === "]") i++;
  return { parts, end: i };
}

function safeJson(raw: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}

/** End offset (exclusive) of the string starting at i (basic, literal, or multi-line). */
function scanString(text: string, i: number): number {
  const q = text[i]!;
  const triple = text.startsWith(q.repeat(3), i);
  if (triple) {
    const close = text.indexOf(q.repeat(3), i + 3);
    if (close === -1) return text.length;
    let end = close + 3;
    while (text[end] === q && end - close < 5) end++; // up to two quotes may end the content
    return end;
  }
  let j = i + 1;
  while (j < text.length && text[j] !== q && text[j] !== "\n") j += q === '"' && text[j] === "\\" ? 2 : 1;
  return Math.min(j + 1, text.length);
}

/** End offset (exclusive) of the value starting at i. */
function scanValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"' || c === "'") return scanString(text, i);
  if (c === "[" || c === "{") {
    let depth = 0;
    let j = i;
    while (j < text.length) {
      const ch = text[j]!;
      if (ch === '"' || ch === "'") {
        j = scanString(text, j);
        continue;
      }
      if (ch === "#") {
        j = lineEnd(text, j);
        continue;
      }
      if (ch === "[" || ch === "{") depth++;
      else if (ch === "]" || ch === "}") {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    return text.length;
  }
  // numbers, booleans, dates (which may hold a space): up to a comment or the end of the line
  let j = i;
  while (j < text.length && text[j] !== "\n" && text[j] !== "#") j++;
  while (j > i && /\s/.test(text[j - 1]!)) j--;
  return j;
}
