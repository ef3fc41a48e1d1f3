// Stateless replicas: separate `isartor up` processes on one real redis-server share L1a and L1b, a
// replica started later sees what the others stored, tenants never share, and killing Redis under
// traffic fails no client request (the gateways fall back to memory and L3, then share again).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { isolatedEnv, spawnUp } from "../helpers/cli.ts";
import { startMockOpenAI, type MockUpstream } from "../helpers/mock-openai-upstream.ts";
import { redisMissing, TestRedis } from "../helpers/redis-server.ts";

const skip = redisMissing();
const FIXTURE_MODEL = join(import.meta.dir, "../fixtures/models/tiny-minilm");
const KEYS = JSON.stringify([
  { id: "alice-key", key: "sk-gw-alice-0123456789", tenant: "alice" },
  { id: "bob-key", key: "sk-gw-bob-0123456789", tenant: "bob" },
]);

let redis: TestRedis;
let upstream: MockUpstream;
const replicas: Replica[] = [];

interface Replica {
  url: string;
  proc: ReturnType<typeof Bun.spawn>;
  output: () => Promise<string>;
}

async function startReplica(prefix: string, extra: Record<string, string> = {}): Promise<Replica> {
  const env = isolatedEnv({
    ISARTOR__CACHE_BACKEND: "redis",
    ISARTOR__REDIS_URL: redis.url,
    ISARTOR__REDIS__KEY_PREFIX: prefix,
    ISARTOR__CACHE_MODE: "both",
    ISARTOR__EXTERNAL_LLM_BASE_URL: upstream.url,
    ISARTOR__EXTERNAL_LLM_API_KEY: "sk-upstream-test",
    ISARTOR__GATEWAY_KEYS: KEYS,
    ISARTOR__EMBEDDING__MODEL_PATH: FIXTURE_MODEL,
    ISARTOR__EMBEDDING__TIMEOUT_MS: "30000",
    ISARTOR__SIMILARITY_THRESHOLD: "0.99",
    ISARTOR__OFFLINE: "true",
    ISARTOR__LOG_LEVEL: "warn",
    ISARTOR__PROVIDER_HEALTH_CHECK_INTERVAL_SECS: "0",
    ...extra,
  });
  const { proc, url, output } = await spawnUp([], env);
  const replica = { proc, url, output };
  replicas.push(replica);
  const deadline = Date.now() + 60_000;
  while ((await fetch(`${url}/readyz`)).status !== 200) {
    if (Date.now() > deadline) throw new Error("replica never became ready");
    await Bun.sleep(100);
  }
  return replica;
}

async function ask(replica: Replica, content: string, key = "sk-gw-alice-0123456789") {
  const res = await fetch(`${replica.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }),
  });
  const body = (await res.json()) as { choices?: { message: { content: string } }[] };
  return { status: res.status, layer: res.headers.get("x-isartor-layer"), text: body.choices?.[0]?.message.content };
}

/**
 * Asks `question` with more and more trailing spaces (each a new exact key, the same embedded
 * question) until one is an L1b hit: the replica may not have received the entry on the first try.
 */
async function semanticHit(replica: Replica, question: string): Promise<boolean> {
  for (let i = 1; i <= 40; i++) {
    if ((await ask(replica, question + " ".repeat(i))).layer === "l1b") return true;
    await Bun.sleep(100);
  }
  return false;
}

async function health(replica: Replica) {
  return (await (await fetch(`${replica.url}/health`)).json()) as { cache: { backend: string; redis?: { state: string; vector_search?: string } } };
}

async function until(check: () => Promise<boolean>, what: string, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

beforeAll(async () => {
  if (skip) return;
  redis = await TestRedis.start();
  upstream = startMockOpenAI([{ text: "Answer from upstream" }]);
});
afterAll(async () => {
  for (const r of replicas) r.proc.kill("SIGTERM");
  await Promise.all(replicas.map((r) => r.proc.exited));
  upstream?.stop();
  await redis?.stop();
});

describe.skipIf(skip)("two gateway processes on one Redis", () => {
  let a: Replica;
  let b: Replica;
  beforeAll(async () => {
    [a, b] = await Promise.all([startReplica("shared"), startReplica("shared")]);
  }, 120_000);

  test("/health reports the Redis backend and its state", async () => {
    const h = await health(a);
    expect(h.cache.backend).toBe("redis");
    expect(h.cache.redis?.state).toBe("ready");
    expect(h.cache.redis?.vector_search).toBe("replica-index");
    // an unauthenticated route: no Redis address
    expect(JSON.stringify(h)).not.toContain(`127.0.0.1:${redis.port}`);
  });

  test("a prompt answered through A is an L1a hit on B", async () => {
    const calls = upstream.requests.length;
    expect((await ask(a, "What is the capital of Bavaria?")).layer).toBe("l3");
    const onB = await ask(b, "What is the capital of Bavaria?");
    expect(onB).toMatchObject({ status: 200, layer: "l1a", text: "Answer from upstream" });
    expect(upstream.requests.length).toBe(calls + 1);
  });

  test("a reworded question (same scope) answered through A is an L1b hit on B", async () => {
    expect((await ask(a, "How tall is the Zugspitze?")).layer).toBe("l3");
    expect(await semanticHit(b, "How tall is the Zugspitze?")).toBe(true);
  });

  test("another tenant asking the same words gets no hit", async () => {
    expect((await ask(a, "Tell me the secret plan", "sk-gw-alice-0123456789")).layer).toBe("l3");
    expect((await ask(b, "Tell me the secret plan", "sk-gw-bob-0123456789")).layer).toBe("l3");
    expect((await ask(a, "Tell me the secret plan", "sk-gw-bob-0123456789")).layer).toBe("l1a");
  });

  test("a replica started afterwards serves what A and B stored (L1a and L1b)", async () => {
    const late = await startReplica("shared");
    expect((await ask(late, "What is the capital of Bavaria?")).layer).toBe("l1a");
    expect(await semanticHit(late, "How tall is the Zugspitze?")).toBe(true);
  }, 90_000);
});

describe.skipIf(skip)("readiness", () => {
  test("a replica is ready only once its Redis connection is up: its first request already shares", async () => {
    const [a, b] = await Promise.all([startReplica("ready", { ISARTOR__CACHE_MODE: "exact" }), startReplica("ready", { ISARTOR__CACHE_MODE: "exact" })]);
    expect((await ask(a, "First words after startup")).layer).toBe("l3");
    expect((await ask(b, "First words after startup")).layer).toBe("l1a");
  }, 90_000);

  test("with Redis down at startup the replica still becomes ready and answers (L3), reporting the outage", async () => {
    const down = await TestRedis.start();
    await down.kill();
    const r = await startReplica("down", { ISARTOR__CACHE_MODE: "exact", ISARTOR__REDIS_URL: down.url });
    expect((await health(r)).cache.redis?.state).toBe("down");
    expect(await ask(r, "Anyone there?")).toMatchObject({ status: 200, layer: "l3" });
    // the answer was kept in this replica's memory meanwhile
    expect((await ask(r, "Anyone there?")).layer).toBe("l1a");
  }, 90_000);
});

describe.skipIf(skip)("Redis killed and restarted under traffic", () => {
  test("zero failed client requests; sharing resumes after the restart; one log line per outage", async () => {
    const [a, b] = await Promise.all([startReplica("outage"), startReplica("outage")]);
    let sent = 0;
    const failures: string[] = [];
    let running = true;
    const client = async (target: Replica, id: number) => {
      while (running) {
        const n = sent++;
        try {
          const r = await ask(target, `traffic question ${n % 40} from client ${id % 2}`);
          if (r.status !== 200 || !r.text) failures.push(`#${n}: ${r.status}`);
        } catch (err) {
          failures.push(`#${n}: ${(err as Error).message}`);
        }
      }
    };
    const clients = [client(a, 0), client(b, 1), client(a, 2), client(b, 3)];
    await Bun.sleep(1000);
    await redis.kill();
    await until(async () => (await health(a)).cache.redis?.state === "down", "A to notice the outage");
    const duringOutage = sent;
    await Bun.sleep(1500);
    expect(sent - duringOutage).toBeGreaterThan(10); // traffic kept flowing
    await redis.restart();
    await until(async () => (await health(a)).cache.redis?.state === "ready" && (await health(b)).cache.redis?.state === "ready", "both to reconnect");
    await Bun.sleep(500);
    running = false;
    await Promise.all(clients);
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(30);

    // Redis came back empty (no persistence): a new entry is shared again
    expect((await ask(a, "After the outage, what is 6 times 7?")).layer).toBe("l3");
    expect((await ask(b, "After the outage, what is 6 times 7?")).layer).toBe("l1a");

    for (const r of [a, b]) r.proc.kill("SIGTERM");
    for (const r of [a, b]) {
      const log = await new Response(r.proc.stderr as ReadableStream).text();
      expect(log.match(/redis unavailable/g)?.length).toBe(1);
    }
  }, 120_000);
});
