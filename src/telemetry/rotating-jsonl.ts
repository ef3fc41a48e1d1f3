// An append-only JSON-lines file with size-based rotation (file → file.1 → … → file.<maxFiles>),
// shared by the usage log and the request log. Appends are queued and written together at most
// every FLUSH_MS; they never block or fail the caller, and a full queue drops (and counts) records.
import { appendFile, mkdir, rename, rm, stat } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export interface RotatingJsonlOptions {
  path: string;
  maxFileBytes: number;
  /** rotated files kept besides the current one */
  maxFiles: number;
}

/** records waiting for the disk beyond this are dropped (and counted) rather than held in memory */
const MAX_PENDING = 10_000;
/** how long records wait to be written together */
const FLUSH_MS = 50;

export function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? join(homedir(), path.slice(2)) : path;
}

/** The files of a rotated log, oldest first; missing ones included (callers check). */
export function rotatedFiles(path: string, maxFiles: number): string[] {
  return [...Array.from({ length: maxFiles }, (_, i) => `${path}.${maxFiles - i}`), path];
}

/** Every parseable record of a rotated log, oldest first; torn or foreign lines are skipped. */
export function readJsonl<T>(path: string, maxFiles: number): T[] {
  const out: T[] = [];
  for (const file of rotatedFiles(path, maxFiles)) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (!line) continue;
      try {
        const rec = JSON.parse(line) as T;
        if (rec && typeof rec === "object") out.push(rec);
      } catch {
        // a torn last line after a crash: skip it
      }
    }
  }
  return out;
}

export class RotatingJsonl {
  readonly path: string;
  private size: number | undefined;
  private queue: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | undefined;
  dropped = 0;
  writeErrors = 0;

  constructor(private readonly opts: RotatingJsonlOptions) {
    this.path = expandHome(opts.path);
  }

  append(record: unknown): void {
    if (this.queue.length >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    // Lines queue for up to FLUSH_MS and go to disk in one append: a file open/write/close per
    // request costs more than the L1a hit it records.
    this.queue.push(`${JSON.stringify(record)}\n`);
    this.timer ??= setTimeout(() => this.drain(), FLUSH_MS);
  }

  /** resolves when every record appended so far is on disk */
  flush(): Promise<void> {
    return this.drain();
  }

  read<T>(): T[] {
    return readJsonl<T>(this.path, this.opts.maxFiles);
  }

  private drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.queue;
    this.queue = [];
    if (lines.length) {
      this.writing = this.writing
        .then(() => this.write(lines))
        .catch(() => {
          this.writeErrors++;
        });
    }
    return this.writing;
  }

  private appendText(text: string): Promise<void> {
    return appendFile(this.path, text, { mode: 0o600 });
  }

  /** Appends the lines, rotating at the same record boundary a line-by-line writer would. */
  private async write(lines: string[]): Promise<void> {
    if (this.size === undefined) {
      await mkdir(dirname(this.path), { recursive: true });
      this.size = await stat(this.path).then((s) => s.size, () => 0);
    }
    // the usual case: the whole batch fits in the current file, one length count and one append
    const all = lines.join("");
    const allBytes = Buffer.byteLength(all);
    if (this.size + allBytes <= this.opts.maxFileBytes) {
      this.size += allBytes;
      await this.appendText(all);
      return;
    }
    let segment = "";
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      if (this.size > 0 && this.size + bytes > this.opts.maxFileBytes) {
        if (segment) await this.appendText(segment);
        segment = "";
        await this.rotate();
      }
      segment += line;
      this.size += bytes;
    }
    if (segment) await this.appendText(segment);
  }

  private async rotate(): Promise<void> {
    const max = this.opts.maxFiles;
    if (max <= 0) await rm(this.path, { force: true });
    else {
      await rm(`${this.path}.${max}`, { force: true });
      for (let i = max - 1; i >= 1; i--) await rename(`${this.path}.${i}`, `${this.path}.${i + 1}`).catch(() => {});
      await rename(this.path, `${this.path}.1`);
    }
    this.size = 0;
  }
}
