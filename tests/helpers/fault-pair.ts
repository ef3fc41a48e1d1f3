// Two fault upstreams for provider-chain tests, "a" (the one tests make misbehave) and "b", started
// once for the enclosing describe (or file) and stopped after it.
import { afterAll, beforeAll } from "bun:test";
import { startFaultUpstream, type FaultUpstream } from "./fault-upstream.ts";

export interface FaultPair {
  a: FaultUpstream;
  b: FaultUpstream;
  /** forgets the requests both have seen and their scripted faults: both answer ok again */
  reset(): void;
}

export function useFaultPair(): FaultPair {
  const pair = {
    reset() {
      for (const u of [pair.a, pair.b]) {
        u.requests.length = 0;
        u.script = [];
        u.otherwise = { kind: "ok" };
      }
    },
  } as FaultPair;
  beforeAll(async () => {
    pair.a = await startFaultUpstream("a");
    pair.b = await startFaultUpstream("b");
  });
  afterAll(async () => {
    await pair.a.stop();
    await pair.b.stop();
  });
  return pair;
}
