// A bounded keyspace in Redis, shared by the exact and the semantic store: one string key per entry
// with the cache TTL, plus two sorted sets (recency for the capacity bound, expiry for cleanup). Each
// write is one Lua script, so the bound holds with any number of replicas writing at once. All keys of
// one namespace share a hash tag ({exact}, {semantic}), so the scripts also run on Redis Cluster (that
// namespace then lives on one shard).
import type { RedisClient, RedisConnection } from "./redis-connection.ts";

const NOW_MS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// KEYS: entry, recency, expiry, [log stream]  ARGV: value, ttl ms, capacity, [log fields…]
// Victims of the capacity trim are deleted; with a vector-set flag (ARGV[4] = "vset") their element is
// also removed from the scope's vector set, whose key is derived from the entry key.
const SET_LUA = `${NOW_MS}
local ttl = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
if ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
  redis.call('ZADD', KEYS[3], now + ttl, KEYS[1])
  local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 256)
  for i = 1, #expired do
    redis.call('ZREM', KEYS[2], expired[i])
    redis.call('ZREM', KEYS[3], expired[i])
  end
else
  redis.call('SET', KEYS[1], ARGV[1])
end
redis.call('ZADD', KEYS[2], now, KEYS[1])
local over = redis.call('ZCARD', KEYS[2]) - cap
if over > 0 then
  local victims = redis.call('ZPOPMIN', KEYS[2], over)
  for i = 1, #victims, 2 do
    local victim = victims[i]
    redis.call('DEL', victim)
    redis.call('ZREM', KEYS[3], victim)
    if ARGV[4] == 'vset' then
      local vkey, element = string.match(victim, '^(.*):e:(s:%x+:%x+)$')
      if vkey then redis.call('VREM', vkey .. ':v:' .. string.match(element, '^(s:%x+)'), element) end
    end
  end
end
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
end
if KEYS[4] then
  local fields = {}
  for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', math.max(cap, 1000), '*', unpack(fields))
  if ttl > 0 then redis.call('PEXPIRE', KEYS[4], ttl) end
end
return 1`;

// KEYS: entry, recency, expiry. A hit bumps recency; a miss drops the entry's index members.
const GET_LUA = `local v = redis.call('GET', KEYS[1])
if v then
  ${NOW_MS.replace(/\n/g, "\n  ")}
  redis.call('ZADD', KEYS[2], 'XX', now, KEYS[1])
else
  redis.call('ZREM', KEYS[2], KEYS[1])
  redis.call('ZREM', KEYS[3], KEYS[1])
end
return v`;

// KEYS: recency, expiry. Drops expired members, returns the live count.
const SIZE_LUA = `${NOW_MS}
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for i = 1, #expired do
  redis.call('ZREM', KEYS[1], expired[i])
  redis.call('ZREM', KEYS[2], expired[i])
end
return redis.call('ZCARD', KEYS[1])`;

type ScriptClient = RedisClient & {
  isartorSet(...args: (string | number | Buffer)[]): Promise<number>;
  isartorGet(...args: string[]): Promise<string | null>;
  isartorSize(...args: string[]): Promise<number>;
};

function withScripts(client: RedisClient): ScriptClient {
  const c = client as ScriptClient;
  if (typeof c.isartorSet !== "function") {
    client.defineCommand("isartorSet", { lua: SET_LUA });
    client.defineCommand("isartorGet", { numberOfKeys: 3, lua: GET_LUA });
    client.defineCommand("isartorSize", { numberOfKeys: 2, lua: SIZE_LUA });
  }
  return c;
}

export interface BoundedOptions {
  capacity: number;
  /** 0 = no expiry (entries leave only through the capacity bound) */
  ttlSecs: number;
}

export class RedisBoundedMap {
  /** `${prefix}{namespace}`: everything of this namespace starts with it */
  readonly base: string;
  private readonly recency: string;
  private readonly expiry: string;
  private readonly client: ScriptClient;

  constructor(
    private readonly conn: RedisConnection,
    namespace: string,
    private readonly opts: BoundedOptions,
  ) {
    this.client = withScripts(conn.client);
    this.base = `${conn.prefix}{${namespace}}`;
    this.recency = `${this.base}#recency`;
    this.expiry = `${this.base}#expiry`;
  }

  entryKey(id: string): string {
    return `${this.base}:e:${id}`;
  }

  async get(key: string): Promise<string | null> {
    return this.client.isartorGet(key, this.recency, this.expiry);
  }

  /** log: append these fields to that stream in the same script (the semantic store's change feed) */
  async set(key: string, value: string | Buffer, log?: { stream: string; fields: string[]; vset?: boolean }): Promise<void> {
    const ttlMs = this.opts.ttlSecs * 1000;
    const keys = log ? [key, this.recency, this.expiry, log.stream] : [key, this.recency, this.expiry];
    const argv = [value, ttlMs, this.opts.capacity, log?.vset ? "vset" : "-", ...(log?.fields ?? [])];
    await this.client.isartorSet(keys.length, ...keys, ...argv);
  }

  async delete(key: string): Promise<boolean> {
    const [[, removed]] = (await this.client.multi().del(key).zrem(this.recency, key).zrem(this.expiry, key).exec()) as [[unknown, number]];
    return removed > 0;
  }

  async size(): Promise<number> {
    return this.client.isartorSize(this.recency, this.expiry);
  }

  /** size() while Redis is usable and answers; otherwise what `local` (the replica's fallback store) holds */
  async sizeOr(local: { size(): Promise<number> }): Promise<number> {
    if (this.conn.usable()) {
      try {
        return await this.size();
      } catch {}
    }
    return local.size();
  }

  /** entry keys, oldest first, in pages (for a replica's startup load) */
  async *keys(pageSize = 500): AsyncGenerator<string[]> {
    for (let start = 0; ; start += pageSize) {
      const page = await this.client.zrange(this.recency, String(start), String(start + pageSize - 1));
      if (page.length === 0) return;
      yield page;
      if (page.length < pageSize) return;
    }
  }

  /** deletes every entry and both indexes (extra: further keys of the namespace to drop) */
  async clear(extra: string[] = []): Promise<void> {
    while (true) {
      const page = await this.client.zrange(this.recency, "0", "499");
      if (page.length === 0) break;
      await this.client.multi().del(...page).zrem(this.recency, ...page).exec();
    }
    await this.client.del(this.recency, this.expiry, ...extra);
  }
}
