// L1b in Redis, shared by every replica on the same Redis and key prefix. Entries (scope, question,
// answer, embedding) live in Redis with the cache TTL under a capacity bound (RedisBoundedMap). How a
// search runs depends on the server, detected on every (re)connection:
//   - "vector-set" (Redis 8+, VADD/VSIM present, redis.vector_search = auto): one vector set per scope
//     in Redis; VSIM finds candidates, which are re-scored exactly against the stored embeddings.
//   - "replica-index" (Redis 7, or redis.vector_search = replica): each replica keeps an in-memory
//     index (MemoryVectorStore), loaded in full on connect and kept current through a change stream,
//     so a search costs no Redis round trip at all.
// While Redis is unusable, searches and adds use this replica's in-memory store (fail open).
import { exactDot } from "./int8-index.ts";
import { MemoryVectorStore } from "./memory-vector.ts";
import { RedisBoundedMap, type BoundedOptions } from "./redis-bounded.ts";
import { RedisChangeFeed, type FeedEvent } from "./redis-change-feed.ts";
import type { RedisConnection } from "./redis-connection.ts";
import type { SemanticEntry, VectorMatch, VectorStore } from "./vector-store.ts";
import type { Logger } from "../telemetry/logger.ts";

export type VectorSearchMode = "replica-index" | "vector-set";

export interface ServerCapabilities {
  vector_sets: boolean;
  /** RediSearch (FT.SEARCH) is reported, not used: vector sets cover the same need with less setup */
  search_module: boolean;
}

interface StoredEntry {
  scope: string;
  question: string;
  response: SemanticEntry["response"];
  /** float32 little-endian, base64 */
  vector: string;
  /** ms since epoch; 0 = never */
  expires_at: number;
}

const LOAD_PAGE = 500;

function encodeVector(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
}

function decodeVector(b64: string): Float32Array {
  const bytes = Buffer.from(b64, "base64");
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

function entryId(scope: string, question: string): string {
  return `${scope}:${(Bun.SHA256.hash(question, "hex") as string).slice(0, 32)}`;
}

/** Parses COMMAND INFO's reply: a null (or empty) entry means the server does not know the command. */
export function commandKnown(reply: unknown): boolean {
  return Array.isArray(reply) && Array.isArray(reply[0]) && reply[0].length > 0;
}

export class RedisVectorStore implements VectorStore {
  private readonly map: RedisBoundedMap;
  /** the replica index (replica-index mode) and the outage fallback (both modes) */
  private readonly local: MemoryVectorStore;
  private readonly feed: RedisChangeFeed;
  private readonly replicaId = crypto.randomUUID();
  private mode: VectorSearchMode = "replica-index";
  private capabilities: ServerCapabilities = { vector_sets: false, search_module: false };
  private lastSync?: { at: string; loaded: number };
  private syncing?: Promise<void>;
  private firstSyncDone = false;

  constructor(
    private readonly conn: RedisConnection,
    private readonly opts: BoundedOptions & { vectorSearch: "auto" | "replica" },
    private readonly logger: Logger,
  ) {
    this.map = new RedisBoundedMap(conn, "semantic", opts);
    this.local = new MemoryVectorStore(opts);
    this.feed = new RedisChangeFeed(conn, `${this.map.base}#changes`, (events) => this.apply(events));
    conn.onReady(() => void this.onConnected());
    if (conn.usable()) void this.onConnected();
  }

  status() {
    return { vector_search: this.mode, server: this.capabilities, ...(this.lastSync ? { last_sync: this.lastSync } : {}) };
  }

  /** the first connection's detection and load are done (or failed): a new replica starts warm */
  initiallySynced(): boolean {
    return this.firstSyncDone;
  }

  /** resolves once the current (re)connection's detection and load are done (tests, benchmarks) */
  async synced(): Promise<void> {
    await this.syncing;
  }

  async search(scope: string, vector: Float32Array, opts: { minScore: number; limit: number }): Promise<VectorMatch[]> {
    if (this.mode === "vector-set" && this.conn.usable()) {
      try {
        return await this.searchServer(scope, vector, opts);
      } catch (err) {
        // fall back to what this replica holds
        this.conn.commandFailed(err);
      }
    }
    return this.local.search(scope, vector, opts);
  }

  async add(scope: string, vector: Float32Array, entry: SemanticEntry): Promise<void> {
    const usable = this.conn.usable();
    // the replica index mirrors every add; in vector-set mode the local store is only the fallback
    if (this.mode === "replica-index" || !usable) await this.local.add(scope, vector, entry);
    if (!usable) return;
    const id = entryId(scope, entry.question);
    const ttlMs = this.opts.ttlSecs * 1000;
    const stored: StoredEntry = { scope, question: entry.question, response: entry.response, vector: encodeVector(vector), expires_at: ttlMs > 0 ? Date.now() + ttlMs : 0 };
    const vset = this.mode === "vector-set";
    try {
      await this.map.set(this.map.entryKey(id), JSON.stringify(stored), { stream: this.feed.stream, fields: ["op", "add", "key", id, "from", this.replicaId], vset });
      if (vset) {
        const vkey = this.vectorSetKey(scope);
        await this.conn.client.call("VADD", vkey, "FP32", Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength), id);
        if (ttlMs > 0) await this.conn.client.pexpire(vkey, ttlMs);
      }
    } catch (err) {
      this.conn.commandFailed(err);
      if (vset) await this.local.add(scope, vector, entry);
    }
  }

  /** admin purge: every replica's index is cleared through the change stream */
  async clear(): Promise<void> {
    await this.local.clear();
    const scopes = new Set<string>();
    for await (const page of this.map.keys(LOAD_PAGE)) for (const key of page) scopes.add(key.slice(key.lastIndexOf(":e:") + 3).replace(/:[0-9a-f]+$/, ""));
    await this.map.clear([...scopes].map((s) => this.vectorSetKey(s)));
    await this.conn.client.xadd(this.feed.stream, "MAXLEN", "~", 1000, "*", "op", "clear", "from", this.replicaId);
  }

  size(): Promise<number> {
    return this.map.sizeOr(this.local);
  }

  async close() {
    await this.feed.close();
  }

  private vectorSetKey(scope: string): string {
    return `${this.map.base}:v:${scope}`;
  }

  private onConnected() {
    const run = async () => {
      try {
        await this.detect();
        if (this.mode === "replica-index") await this.resync();
      } catch (err) {
        this.logger.warn("redis semantic cache: sync after connect failed; this replica answers from what it holds", { error: (err as Error).message });
      }
      this.firstSyncDone = true;
    };
    this.syncing = (this.syncing ?? Promise.resolve()).then(run);
  }

  private async detect() {
    const [vadd, ft] = await Promise.all([
      this.conn.client.call("COMMAND", "INFO", "VADD").catch(() => null),
      this.conn.client.call("COMMAND", "INFO", "FT.SEARCH").catch(() => null),
    ]);
    this.capabilities = { vector_sets: commandKnown(vadd), search_module: commandKnown(ft) };
    const mode: VectorSearchMode = this.capabilities.vector_sets && this.opts.vectorSearch === "auto" ? "vector-set" : "replica-index";
    if (mode !== this.mode) this.logger.info("redis semantic cache: searching in Redis vector sets", { server: this.capabilities });
    this.mode = mode;
  }

  /** loads every live entry into the replica index, then follows the change stream from before the load */
  private async resync() {
    const tip = await this.feed.tip();
    let loaded = 0;
    for await (const page of this.map.keys(LOAD_PAGE)) loaded += await this.loadKeys(page);
    this.lastSync = { at: new Date().toISOString(), loaded };
    this.feed.follow(tip);
  }

  private async loadKeys(keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const raws = await this.conn.client.mget(...keys);
    let loaded = 0;
    const now = Date.now();
    for (const raw of raws) {
      if (!raw) continue;
      try {
        const e = JSON.parse(raw) as StoredEntry;
        if (e.expires_at && e.expires_at <= now) continue;
        await this.local.add(e.scope, decodeVector(e.vector), { question: e.question, response: e.response }, e.expires_at ? { ttlMs: e.expires_at - now } : {});
        loaded++;
      } catch {
        // an entry of another embedding size or a damaged value: skip it
      }
    }
    return loaded;
  }

  private async apply(events: FeedEvent[]) {
    let adds: string[] = [];
    for (const event of events) {
      if (event.from === this.replicaId) continue;
      if (event.op === "clear") {
        adds = [];
        await this.local.clear();
      } else adds.push(this.map.entryKey(event.key));
    }
    if (this.mode === "replica-index") await this.loadKeys(adds);
  }

  private async searchServer(scope: string, vector: Float32Array, opts: { minScore: number; limit: number }): Promise<VectorMatch[]> {
    const blob = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
    // VSIM scores are approximate (quantised HNSW): fetch extra candidates, re-score exactly below
    const reply = (await this.conn.client.call("VSIM", this.vectorSetKey(scope), "FP32", blob, "WITHSCORES", "COUNT", opts.limit * 2)) as string[];
    const ids: string[] = [];
    for (let i = 0; i < reply.length; i += 2) ids.push(reply[i]!);
    if (ids.length === 0) return [];
    const raws = await this.conn.client.mget(...ids.map((id) => this.map.entryKey(id)));
    const matches: VectorMatch[] = [];
    const gone: string[] = [];
    raws.forEach((raw, i) => {
      if (!raw) return void gone.push(ids[i]!);
      const e = JSON.parse(raw) as StoredEntry;
      const stored = decodeVector(e.vector);
      if (stored.length !== vector.length) return;
      const score = exactDot(stored, 0, vector, vector.length);
      if (score >= opts.minScore) matches.push({ score, entry: { question: e.question, response: e.response } });
    });
    // elements whose entry expired or was trimmed leave the vector set lazily
    for (const id of gone) void this.conn.client.call("VREM", this.vectorSetKey(scope), id).catch(() => {});
    return matches.sort((a, b) => b.score - a.score).slice(0, opts.limit);
  }
}
