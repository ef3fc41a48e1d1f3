// One Redis connection per gateway, built from the configuration (standalone URL, Sentinel or Cluster),
// tuned so that Redis trouble never makes a request fail or wait: no offline queue (a command sent
// while disconnected fails at once and the cache layer passes the request on), a bounded command
// timeout, reconnects with capped exponential backoff and jitter, and one log line per outage.
import { Cluster, Redis, type RedisOptions } from "ioredis";
import type { Config } from "../config/types.ts";
import type { Logger } from "../telemetry/logger.ts";

/** Bumped whenever the stored layout changes, so that old entries are never read as new ones. */
export const CACHE_SCHEMA_VERSION = "v1";

export type RedisClient = Redis | Cluster;
export type RedisState = "connecting" | "ready" | "down" | "closed";

export interface RedisStatus {
  state: RedisState;
  mode: "standalone" | "sentinel" | "cluster";
  /** ISO time the current outage began (state down) */
  down_since?: string;
  outages: number;
}

const MAX_BACKOFF_MS = 5000;
const PAUSE_AFTER_TIMEOUT_MS = 1000;

/** Delay before reconnect attempt `times` (1, 2, …): 100 ms doubling, capped at 5 s, plus jitter. */
export function reconnectDelay(times: number): number {
  return Math.min(100 * 2 ** Math.min(times - 1, 10), MAX_BACKOFF_MS) + Math.floor(Math.random() * 100);
}

function hostPort(entry: string): { host: string; port: number } {
  const at = entry.lastIndexOf(":");
  const port = at > 0 ? Number(entry.slice(at + 1)) : 6379;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad Redis node address "${entry}" (want host:port)`);
  return { host: at > 0 ? entry.slice(0, at) : entry, port };
}

/** Connection settings taken from the URL: password, user, database, TLS. */
export function urlOptions(url: string): RedisOptions & { host?: string; port?: number; path?: string } {
  if (url.startsWith("unix://")) return { path: decodeURIComponent(url.slice("unix://".length)) };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`redis_url "${maskUrl(url)}" is not a URL (want redis://[user:password@]host:port[/db] or rediss://…)`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new Error(`redis_url must start with redis://, rediss:// or unix:// (got ${parsed.protocol}//)`);
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined;
  if (db !== undefined && (!Number.isInteger(db) || db < 0)) throw new Error(`redis_url database "${parsed.pathname.slice(1)}" is not a number`);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db !== undefined ? { db } : {}),
    ...(parsed.protocol === "rediss:" ? { tls: { servername: parsed.hostname } } : {}),
  };
}

export function maskUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)([^@/]*)@/i, (_m, scheme: string, auth: string) => `${scheme}${auth.includes(":") ? `${auth.split(":")[0]}:***` : "***"}@`);
}

/** Every key this deployment writes starts with this. */
export function keyPrefix(config: Config): string {
  return `${config.redis.key_prefix}:${CACHE_SCHEMA_VERSION}:`;
}

function baseOptions(config: Config): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: config.redis.command_timeout_ms,
    connectTimeout: config.redis.connect_timeout_ms,
    retryStrategy: reconnectDelay,
    connectionName: "isartor",
  };
}

/** Builds the client (not yet connected: call `connect()` on the result). */
export function createRedisClient(config: Config): { client: RedisClient; mode: RedisStatus["mode"]; target: string } {
  const fromUrl = urlOptions(config.redis_url);
  const { host: _h, port: _p, path: _path, ...auth } = fromUrl;
  if (config.redis.cluster_nodes.length > 0) {
    const nodes = config.redis.cluster_nodes.map(hostPort);
    const client = new Cluster(nodes, {
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: reconnectDelay,
      slotsRefreshTimeout: config.redis.connect_timeout_ms,
      redisOptions: { ...auth, commandTimeout: config.redis.command_timeout_ms, connectTimeout: config.redis.connect_timeout_ms, maxRetriesPerRequest: 0 },
      ...(auth.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    });
    return { client, mode: "cluster", target: `cluster ${config.redis.cluster_nodes.join(",")}` };
  }
  if (config.redis.sentinels.length > 0) {
    if (!config.redis.sentinel_name) throw new Error("redis.sentinels is set but redis.sentinel_name (the master group name) is empty");
    const client = new Redis({
      ...baseOptions(config),
      ...auth,
      lazyConnect: true,
      sentinels: config.redis.sentinels.map(hostPort),
      name: config.redis.sentinel_name,
      sentinelRetryStrategy: reconnectDelay,
      ...(auth.tls ? { enableTLSForSentinelMode: true } : {}),
    });
    return { client, mode: "sentinel", target: `sentinel ${config.redis.sentinel_name}@${config.redis.sentinels.join(",")}` };
  }
  const client = new Redis({ ...baseOptions(config), ...fromUrl, lazyConnect: true });
  return { client, mode: "standalone", target: maskUrl(config.redis_url) };
}

/**
 * The gateway's Redis connection and its health. `usable()` is what the stores check before every
 * command: while it is false they use their in-process fallback without touching the network.
 */
export class RedisConnection {
  readonly client: RedisClient;
  readonly prefix: string;
  private readonly mode: RedisStatus["mode"];
  private readonly target: string;
  private state: RedisState = "connecting";
  private readonly commandTimeoutMs: number;
  private downSince = 0;
  private outages = 0;
  private readonly readyListeners: (() => void)[] = [];
  /** after a command timed out, the stores skip Redis until then (a hung server costs one timeout per second, not one per request) */
  private pausedUntil = 0;
  private slowLogged = false;

  constructor(
    config: Config,
    private readonly logger: Logger,
  ) {
    const built = createRedisClient(config);
    this.client = built.client;
    this.mode = built.mode;
    this.target = built.target;
    this.prefix = keyPrefix(config);
    this.commandTimeoutMs = config.redis.command_timeout_ms;
    this.client.on("ready", () => this.markReady());
    this.client.on("error", (err: Error) => this.markDown(err));
    this.client.on("close", () => this.markDown());
    this.client.on("end", () => this.markDown());
    // the first attempt runs in the background: startup never waits for Redis
    this.client.connect().catch((err: Error) => this.markDown(err));
  }

  usable(): boolean {
    return this.state === "ready" && performance.now() >= this.pausedUntil;
  }

  /** the stores report failed commands here; a timeout pauses Redis use for PAUSE_AFTER_TIMEOUT_MS */
  commandFailed(err: unknown) {
    if (!(err instanceof Error) || !/timed out/i.test(err.message) || this.state !== "ready") return;
    this.pausedUntil = performance.now() + PAUSE_AFTER_TIMEOUT_MS;
    if (this.slowLogged) return;
    this.slowLogged = true;
    this.logger.warn("redis commands time out: caches use this replica's memory, retrying Redis every second", { target: this.target, timeout_ms: this.commandTimeoutMs });
  }

  /** a command succeeded: a slow spell, if any, is over */
  commandSucceeded() {
    if (!this.slowLogged) return;
    this.slowLogged = false;
    this.logger.info("redis answers in time again: caches are shared again", { target: this.target });
  }

  /** runs `listener` on every (re)connection, after the connection is usable */
  onReady(listener: () => void) {
    this.readyListeners.push(listener);
  }

  /**
   * Another client for blocking reads (XREAD BLOCK): a blocked connection cannot serve other
   * commands. Same settings, except no command timeout (the block itself is bounded).
   */
  blockingClient(): RedisClient {
    const dup = (this.client as Redis).duplicate() as RedisClient;
    if (dup instanceof Redis) dup.options.commandTimeout = undefined;
    dup.on("error", () => {});
    return dup;
  }

  /** for the unauthenticated /health: no address (that goes to the logs only) */
  status(): RedisStatus {
    return {
      state: this.state,
      mode: this.mode,
      ...(this.state === "down" ? { down_since: new Date(this.downSince).toISOString() } : {}),
      outages: this.outages,
    };
  }

  async close() {
    this.state = "closed";
    this.client.disconnect();
  }

  private markReady() {
    if (this.state === "closed") return;
    const wasDown = this.state === "down";
    this.state = "ready";
    this.pausedUntil = 0;
    if (wasDown) this.logger.info("redis reconnected: caches are shared again", { target: this.target, down_secs: Math.round((Date.now() - this.downSince) / 1000) });
    for (const listener of this.readyListeners) listener();
  }

  private markDown(err?: Error) {
    if (this.state === "closed" || this.state === "down") return;
    if (!err && this.state === "connecting") return;
    this.state = "down";
    this.downSince = Date.now();
    this.outages++;
    // one line per outage; requests meanwhile use the in-process caches and L3
    this.logger.warn("redis unavailable: caches fall back to this replica's memory until it is back (retrying with backoff)", {
      target: this.target,
      ...(err ? { error: err.message } : {}),
    });
  }
}
