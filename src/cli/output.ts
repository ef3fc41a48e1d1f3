// What every command shares for talking to people: user errors without stack traces, exit codes,
// colours only on a terminal (and never with NO_COLOR).

/** Exit codes of every command (docs/cli.md). */
export const EXIT = { ok: 0, failed: 1, usage: 2, conflict: 3 } as const;

/** A mistake the user can fix: printed as one line, no stack trace. */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

export function paint(text: string, color: keyof typeof CODES, stream: { isTTY?: boolean } = process.stdout): string {
  if (!stream.isTTY || process.env.NO_COLOR) return text;
  return `\x1b[${CODES[color]}m${text}\x1b[0m`;
}

export function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  for (const row of rows) console.log(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd());
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}
