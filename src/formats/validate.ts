// Small guards for parsing wire JSON: each failure is a 400 that names the offending field.
import { invalidRequest } from "../pipeline/errors.ts";

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

export function expectObject(v: unknown, field: string): Json {
  if (!isObject(v)) throw invalidRequest(`'${field}' must be an object, got ${typeName(v)}`, field);
  return v;
}

export function expectArray(v: unknown, field: string): unknown[] {
  if (!Array.isArray(v)) throw invalidRequest(`'${field}' must be an array, got ${typeName(v)}`, field);
  return v;
}

export function expectString(v: unknown, field: string, opts: { nonEmpty?: boolean } = {}): string {
  if (typeof v !== "string") throw invalidRequest(`'${field}' must be a string, got ${typeName(v)}`, field);
  if (opts.nonEmpty && v.trim() === "") throw invalidRequest(`'${field}' must not be empty`, field);
  return v;
}

export function optionalString(v: unknown, field: string): string | undefined {
  return v === undefined || v === null ? undefined : expectString(v, field);
}

export function optionalNumber(v: unknown, field: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw invalidRequest(`'${field}' must be a number, got ${typeName(v)}`, field);
  if (opts.integer && !Number.isInteger(v)) throw invalidRequest(`'${field}' must be an integer`, field);
  if (opts.min !== undefined && v < opts.min) throw invalidRequest(`'${field}' must be >= ${opts.min}`, field);
  if (opts.max !== undefined && v > opts.max) throw invalidRequest(`'${field}' must be <= ${opts.max}`, field);
  return v;
}

export function optionalBoolean(v: unknown, field: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw invalidRequest(`'${field}' must be a boolean, got ${typeName(v)}`, field);
  return v;
}

export function stopList(v: unknown, field: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return [v];
  const list = expectArray(v, field);
  return list.map((s, i) => expectString(s, `${field}[${i}]`));
}

/** Copies the keys of `body` not in `known` (what the canonical form does not model). */
export function extraFields(body: Json, known: ReadonlySet<string>): Json {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !known.has(k)));
}
