// The CI sidecar's recording (ci.mode record|replay): completed answers keyed like L1a, kept in a
// JSON-lines file so a later test run gets the same answers without calling any provider.
// Recording appends one line per new answer; replaying only reads. The file is loaded whole at start.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ChatResponse } from "../pipeline/types.ts";
import type { ExactStore } from "./exact-store.ts";

interface RecordLine {
  key: string;
  response: ChatResponse;
  recorded_at: string;
}

export class RecordingStore implements ExactStore {
  private readonly entries = new Map<string, ChatResponse>();

  constructor(
    private readonly path: string,
    private readonly mode: "record" | "replay",
  ) {
    if (!existsSync(path)) {
      if (mode === "replay") throw new Error(`ci.mode = replay but the recording ${path} does not exist: run once with ci.mode = record`);
      return;
    }
    for (const [i, line] of readFileSync(path, "utf8").split("\n").entries()) {
      if (!line.trim()) continue;
      try {
        const rec = JSON.parse(line) as RecordLine;
        if (typeof rec.key === "string" && rec.response) this.entries.set(rec.key, rec.response);
      } catch {
        throw new Error(`${path}:${i + 1} is not a recording line (JSON with key and response)`);
      }
    }
  }

  async get(key: string) {
    return this.entries.get(key);
  }

  async set(key: string, response: ChatResponse) {
    if (this.mode !== "record" || this.entries.has(key)) return;
    this.entries.set(key, response);
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, JSON.stringify({ key, response, recorded_at: new Date().toISOString() } satisfies RecordLine) + "\n");
  }

  async delete(key: string) {
    return this.entries.delete(key);
  }

  /** forgets what is loaded; the file is the user's and stays as it is */
  async clear() {
    this.entries.clear();
  }

  async size() {
    return this.entries.size;
  }
}
