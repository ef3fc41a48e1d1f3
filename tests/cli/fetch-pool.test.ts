// upstream_max_connections above Bun's default fetch pool (256) really raises the cap: `isartor up`
// restarts itself once with BUN_CONFIG_MAX_HTTP_REQUESTS set (Bun reads it only at start), and
// /api/admin/stats shows the gate and the pool at the configured size. Without the restart the gate
// would stay at 256.
import { expect, test } from "bun:test";
import { isolatedEnv, spawnUp } from "../helpers/cli.ts";

const ADMIN = "fetch-pool-admin-key-0123";

async function upstreamConnections(extra: Record<string, string>) {
  const up = await spawnUp([], isolatedEnv({ ISARTOR__ADMIN_API_KEY: ADMIN, ISARTOR__CACHE_MODE: "exact", ...extra }));
  try {
    const stats = await (await fetch(`${up.url}/api/admin/stats`, { headers: { authorization: `Bearer ${ADMIN}` } })).json();
    return stats.upstream_connections;
  } finally {
    up.proc.kill("SIGTERM");
    expect(await up.proc.exited).toBe(0);
  }
}

test("upstream_max_connections = 600: the gateway runs with a fetch pool and a gate of 600", async () => {
  expect(await upstreamConnections({ ISARTOR__UPSTREAM_MAX_CONNECTIONS: "600" })).toMatchObject({ limit: 600, bun_fetch_pool: 600 });
}, 60_000);

test("the default stays at Bun's 256 without a restart", async () => {
  expect(await upstreamConnections({})).toMatchObject({ limit: 256, bun_fetch_pool: 256 });
}, 60_000);

test("an operator's own BUN_CONFIG_MAX_HTTP_REQUESTS is respected: the gate never exceeds the pool", async () => {
  expect(await upstreamConnections({ ISARTOR__UPSTREAM_MAX_CONNECTIONS: "600", BUN_CONFIG_MAX_HTTP_REQUESTS: "300" })).toMatchObject({ limit: 300, bun_fetch_pool: 300 });
}, 60_000);
