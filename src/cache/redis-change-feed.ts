// Follows a Redis stream of cache changes (XREAD BLOCK on a connection of its own) so that a replica's
// in-memory index learns what the other replicas stored. On every (re)connection the owner resyncs
// (full load) and the feed continues from the stream's tip read before that load, so nothing written
// meanwhile is missed; replaying an add is harmless (adds replace by scope and question).
import type { RedisClient, RedisConnection } from "./redis-connection.ts";

export type FeedEvent = { op: "add"; key: string; from: string } | { op: "clear"; from: string };

const BLOCK_MS = 1000;
const BATCH = 256;
const IDLE_WAIT_MS = 200;

function toEvent(fields: string[]): FeedEvent | undefined {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  if (f.op === "add" && f.key && f.from) return { op: "add", key: f.key, from: f.from };
  if (f.op === "clear" && f.from) return { op: "clear", from: f.from };
  return undefined;
}

export class RedisChangeFeed {
  private lastId = "$";
  private closed = false;
  private reader?: RedisClient;
  private running?: Promise<void>;

  constructor(
    private readonly conn: RedisConnection,
    readonly stream: string,
    private readonly onEvents: (events: FeedEvent[]) => Promise<void>,
  ) {}

  /** id of the newest event now in the stream ("0-0" when empty): read before a full load */
  async tip(): Promise<string> {
    const last = (await this.conn.client.xrevrange(this.stream, "+", "-", "COUNT", 1)) as [string, string[]][];
    return last[0]?.[0] ?? "0-0";
  }

  /** continue after `id` (called after each full load) and make sure the reader runs */
  follow(id: string) {
    this.lastId = id;
    this.running ??= this.loop();
  }

  async close() {
    this.closed = true;
    this.reader?.disconnect();
    await this.running;
  }

  private async loop() {
    this.reader = this.conn.blockingClient();
    this.reader.connect().catch(() => {});
    while (!this.closed) {
      if (!this.conn.usable() || this.reader.status !== "ready") {
        await Bun.sleep(IDLE_WAIT_MS);
        continue;
      }
      try {
        const from = this.lastId;
        const reply = (await this.reader.xread("COUNT", BATCH, "BLOCK", BLOCK_MS, "STREAMS", this.stream, from)) as [string, [string, string[]][]][] | null;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length === 0) continue;
        // a resync may have moved lastId on meanwhile: never move it back
        if (this.lastId === from) this.lastId = entries[entries.length - 1]![0];
        const events = entries.map(([, fields]) => toEvent(fields)).filter((e): e is FeedEvent => !!e);
        if (events.length) await this.onEvents(events);
      } catch {
        if (!this.closed) await Bun.sleep(IDLE_WAIT_MS);
      }
    }
  }
}
