// `isartor sync serve`: a zero-knowledge blob store. It keeps { user_hash, version, updated_at,
// device, blob } per user and refuses a push that does not move the version forward.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SyncRecord } from "./remote.ts";

const MAX_RECORD_BYTES = 1024 * 1024;

export interface SyncServerOptions {
  dir: string;
  hostname: string;
  port: number;
  /** bearer token clients must send; empty = none */
  token?: string;
}

function json(status: number, body: unknown) {
  return Response.json(body, { status });
}

export function startSyncServer(opts: SyncServerOptions) {
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const file = (hash: string) => join(opts.dir, `${hash}.json`);
  return Bun.serve({
    hostname: opts.hostname,
    port: opts.port,
    maxRequestBodySize: MAX_RECORD_BYTES,
    async fetch(req) {
      const m = /^\/sync\/([0-9a-f]{64})$/.exec(new URL(req.url).pathname);
      if (!m) return json(404, { error: "not found: use /sync/{user_hash}" });
      if (opts.token && req.headers.get("authorization") !== `Bearer ${opts.token}`) return json(401, { error: "missing or wrong bearer token" });
      const hash = m[1]!;
      if (req.method === "GET") return existsSync(file(hash)) ? new Response(readFileSync(file(hash)), { headers: { "content-type": "application/json" } }) : json(404, { error: "no record" });
      if (req.method !== "PUT") return json(405, { error: "GET or PUT" });
      let record: SyncRecord;
      try {
        record = (await req.json()) as SyncRecord;
      } catch {
        return json(400, { error: "body is not JSON" });
      }
      if (record.user_hash !== hash || !Number.isInteger(record.version) || !record.blob?.data) return json(400, { error: "not a sync record for this user" });
      const current = existsSync(file(hash)) ? (JSON.parse(readFileSync(file(hash), "utf8")) as SyncRecord) : undefined;
      if (current && record.version <= current.version) return json(409, { error: `version ${record.version} is not newer than the stored ${current.version}` });
      const tmp = `${file(hash)}.tmp`;
      writeFileSync(tmp, JSON.stringify(record), { mode: 0o600 });
      renameSync(tmp, file(hash));
      return json(200, { ok: true, version: record.version });
    },
  });
}
