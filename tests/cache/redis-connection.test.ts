// How the Redis connection is built from the configuration: URL forms (TLS, password, database, unix
// socket), Sentinel and Cluster settings, the key prefix with its schema version, reconnect backoff,
// and that the password never shows in what /health reports.
import { describe, expect, test } from "bun:test";
import { Cluster, Redis } from "ioredis";
import { loadConfig } from "../../src/config/load.ts";
import { CACHE_SCHEMA_VERSION, createRedisClient, keyPrefix, maskUrl, reconnectDelay, urlOptions } from "../../src/cache/redis-connection.ts";

const configWith = (env: Record<string, string>) => loadConfig({ env: { ISARTOR__CACHE_BACKEND: "redis", ...env }, cwd: "/nonexistent", home: "/nonexistent" }).config;

describe("redis_url", () => {
  test("rediss:// turns TLS on; user, password and database come from the URL", () => {
    expect(urlOptions("rediss://app:s3cr%40t@cache.example.com:6380/2")).toEqual({
      host: "cache.example.com",
      port: 6380,
      username: "app",
      password: "s3cr@t",
      db: 2,
      tls: { servername: "cache.example.com" },
    });
    expect(urlOptions("redis://:pw@10.0.0.5")).toEqual({ host: "10.0.0.5", port: 6379, password: "pw" });
    expect(urlOptions("unix:///run/redis/redis.sock")).toEqual({ path: "/run/redis/redis.sock" });
  });

  test("a wrong scheme or database fails with the reason, never echoing the password", () => {
    expect(() => urlOptions("http://:hunter2@host:6379")).toThrow("must start with redis://");
    expect(() => urlOptions("redis://:hunter2@host:6379/x")).toThrow('database "x" is not a number');
    expect(() => urlOptions("redis://:hunter2@host:notaport")).toThrow(/redis:\/\/:\*\*\*@/);
  });

  test("masking keeps the user and hides the password", () => {
    expect(maskUrl("rediss://app:s3cret@cache:6380")).toBe("rediss://app:***@cache:6380");
    expect(maskUrl("redis://:s3cret@cache:6379")).toBe("redis://:***@cache:6379");
    expect(maskUrl("redis://cache:6379")).toBe("redis://cache:6379");
  });
});

describe("client modes", () => {
  test("standalone: no offline queue, bounded command and connect timeouts, masked target", () => {
    const { client, mode, target } = createRedisClient(configWith({ ISARTOR__REDIS_URL: "redis://:pw@cache:6379", ISARTOR__REDIS__COMMAND_TIMEOUT_MS: "120" }));
    expect(mode).toBe("standalone");
    expect(target).toBe("redis://:***@cache:6379");
    expect(client).toBeInstanceOf(Redis);
    const o = (client as Redis).options;
    expect(o).toMatchObject({ host: "cache", port: 6379, password: "pw", enableOfflineQueue: false, commandTimeout: 120, connectTimeout: 2000, lazyConnect: true });
    client.disconnect();
  });

  test("Sentinel: the master group is found through the listed sentinels, password from the URL", () => {
    const { client, mode } = createRedisClient(
      configWith({ ISARTOR__REDIS_URL: "redis://:pw@ignored:6379", ISARTOR__REDIS__SENTINELS: "s1:26379, s2:26380", ISARTOR__REDIS__SENTINEL_NAME: "mymaster" }),
    );
    expect(mode).toBe("sentinel");
    expect((client as Redis).options).toMatchObject({ name: "mymaster", password: "pw", sentinels: [{ host: "s1", port: 26379 }, { host: "s2", port: 26380 }], enableOfflineQueue: false });
    client.disconnect();
    expect(() => createRedisClient(configWith({ ISARTOR__REDIS__SENTINELS: "s1:26379" }))).toThrow("redis.sentinel_name");
  });

  test("Cluster: seed nodes from redis.cluster_nodes, per-node password and timeouts", () => {
    const { client, mode } = createRedisClient(configWith({ ISARTOR__REDIS_URL: "rediss://:pw@ignored:6379", ISARTOR__REDIS__CLUSTER_NODES: "n1:7000,n2:7001" }));
    expect(mode).toBe("cluster");
    expect(client).toBeInstanceOf(Cluster);
    const cluster = client as Cluster;
    expect(cluster.options.enableOfflineQueue).toBe(false);
    expect(cluster.options.redisOptions).toMatchObject({ password: "pw", commandTimeout: 250, tls: { servername: "ignored" } });
    client.disconnect();
    expect(() => createRedisClient(configWith({ ISARTOR__REDIS__CLUSTER_NODES: "n1:99999" }))).toThrow("bad Redis node address");
  });
});

test("every key starts with the deployment prefix and the cache schema version", () => {
  expect(keyPrefix(configWith({}))).toBe(`isartor:${CACHE_SCHEMA_VERSION}:`);
  expect(keyPrefix(configWith({ ISARTOR__REDIS__KEY_PREFIX: "prod-eu" }))).toBe(`prod-eu:${CACHE_SCHEMA_VERSION}:`);
});

test("reconnects back off exponentially from 100 ms to at most 5 s (plus < 100 ms jitter)", () => {
  const delays = [1, 2, 3, 4, 7, 20, 1000].map(reconnectDelay);
  expect(delays[0]).toBeGreaterThanOrEqual(100);
  expect(delays[0]).toBeLessThan(200);
  expect(delays[3]).toBeGreaterThanOrEqual(800);
  for (const d of delays.slice(5)) {
    expect(d).toBeGreaterThanOrEqual(5000);
    expect(d).toBeLessThan(5100);
  }
});
