// Approximate bytes an entry holds in memory, for the caches' byte budget (cache_max_bytes). Strings
// count twice their length (JS strings are UTF-16 in the worst case); the constant covers the object
// headers and the key. Measured once per stored entry, never per lookup.
import type { ChatResponse } from "../pipeline/types.ts";

const ENTRY_OVERHEAD = 256;

export function responseBytes(response: ChatResponse): number {
  return JSON.stringify(response).length * 2 + ENTRY_OVERHEAD;
}
