// Empties caches: all of them, or the one named. Returns how many entries each held.
import { GatewayError } from "../pipeline/errors.ts";
import type { PurgeableCache } from "../guard/runtime.ts";

export async function purgeCaches(caches: PurgeableCache[], only?: string): Promise<Record<string, number>> {
  const targets = only ? caches.filter((c) => c.name === only) : caches;
  if (only && targets.length === 0) {
    throw new GatewayError(404, "not_found", `no cache named '${only}'; known: ${caches.map((c) => c.name).join(", ") || "none"}`, { param: "cache" });
  }
  const purged: Record<string, number> = {};
  for (const c of targets) {
    purged[c.name] = await c.size();
    await c.clear();
  }
  return purged;
}
