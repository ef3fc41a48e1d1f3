/** prefix + 24 hex characters of a random UUID (its first 24 without the dashes) */
export function newId(prefix: string): string {
  const u = crypto.randomUUID();
  return prefix + u.slice(0, 8) + u.slice(9, 13) + u.slice(14, 18) + u.slice(19, 23) + u.slice(24, 28);
}
export const nowSecs = () => Math.floor(Date.now() / 1000);

let lastMs = Number.NaN;
let lastIso = "";
/** new Date(ms).toISOString(), formatted once per millisecond however many records share it */
export function isoTime(ms: number = Date.now()): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
