// Where an encrypted sync record lives: a directory, a `isartor sync serve` HTTP endpoint, or a
// git remote. Every transport moves the same opaque JSON record; none ever sees plaintext.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createHash } from "node:crypto";
import type { Sealed } from "../auth/sealed-box.ts";
import { homePath } from "../auth/isartor-home.ts";

export interface SyncRecord {
  user_hash: string;
  version: number;
  updated_at: string;
  device: string;
  blob: Sealed;
}

export interface SyncRemote {
  readonly description: string;
  get(userHash: string): Promise<SyncRecord | undefined>;
  put(record: SyncRecord): Promise<void>;
}

function parseRecord(text: string, where: string): SyncRecord {
  try {
    return JSON.parse(text) as SyncRecord;
  } catch {
    throw new Error(`${where} does not hold a sync record`);
  }
}

class DirectoryRemote implements SyncRemote {
  constructor(private readonly dir: string) {}
  get description() {
    return `directory ${this.dir}`;
  }
  private file(userHash: string) {
    return join(this.dir, `isartor-sync-${userHash}.json`);
  }
  async get(userHash: string) {
    const f = this.file(userHash);
    return existsSync(f) ? parseRecord(readFileSync(f, "utf8"), f) : undefined;
  }
  async put(record: SyncRecord) {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(this.file(record.user_hash), JSON.stringify(record, null, 2) + "\n");
  }
}

class HttpRemote implements SyncRemote {
  constructor(
    private readonly base: string,
    private readonly token?: string,
  ) {}
  get description() {
    return `server ${this.base}`;
  }
  private headers(): Record<string, string> {
    return { "content-type": "application/json", ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) };
  }
  async get(userHash: string) {
    const res = await fetch(`${this.base}/sync/${userHash}`, { headers: this.headers(), signal: AbortSignal.timeout(30_000) });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`${this.base} answered HTTP ${res.status}`);
    return parseRecord(await res.text(), this.base);
  }
  async put(record: SyncRecord) {
    const res = await fetch(`${this.base}/sync/${record.user_hash}`, { method: "PUT", headers: this.headers(), body: JSON.stringify(record), signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`${this.base} refused the upload: HTTP ${res.status}`);
  }
}

class GitRemote implements SyncRemote {
  private readonly checkout: string;
  constructor(private readonly url: string) {
    this.checkout = homePath("sync-git", createHash("sha256").update(url).digest("hex").slice(0, 16));
  }
  get description() {
    return `git ${this.url}`;
  }
  private git(args: string[], cwd = this.checkout): string {
    const p = Bun.spawnSync(["git", "-c", "user.name=isartor", "-c", "user.email=isartor@localhost", ...args], { cwd, stdout: "pipe", stderr: "pipe", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
    if (p.exitCode !== 0) throw new Error(`git ${args[0]} failed: ${p.stderr.toString().trim()}`);
    return p.stdout.toString();
  }
  private refresh() {
    if (!existsSync(join(this.checkout, ".git"))) {
      mkdirSync(this.checkout, { recursive: true });
      this.git(["clone", "--quiet", this.url, "."]);
      return;
    }
    this.git(["fetch", "--quiet", "origin"]);
    const remoteHead = this.git(["ls-remote", "--symref", "origin", "HEAD"]);
    if (/refs\/heads\//.test(remoteHead)) this.git(["reset", "--quiet", "--hard", "FETCH_HEAD"]);
  }
  private file(userHash: string) {
    return join(this.checkout, `isartor-sync-${userHash}.json`);
  }
  async get(userHash: string) {
    this.refresh();
    const f = this.file(userHash);
    return existsSync(f) ? parseRecord(readFileSync(f, "utf8"), `${this.url}:${f}`) : undefined;
  }
  async put(record: SyncRecord) {
    this.refresh();
    writeFileSync(this.file(record.user_hash), JSON.stringify(record, null, 2) + "\n");
    this.git(["add", "--", this.file(record.user_hash)]);
    this.git(["commit", "--quiet", "-m", `isartor sync: version ${record.version} from ${record.device}`]);
    this.git(["push", "--quiet", "origin", "HEAD"]);
  }
}

/** `dir:/path` or a path, `http(s)://…` (with ISARTOR_SYNC_TOKEN as bearer), `git+<url>` or a `.git` URL. */
export function openRemote(location: string, cwd = process.cwd()): SyncRemote {
  if (/^https?:\/\//.test(location)) return new HttpRemote(location.replace(/\/+$/, ""), process.env.ISARTOR_SYNC_TOKEN || undefined);
  if (location.startsWith("git+")) return new GitRemote(location.slice(4));
  if (/\.git\/?$/.test(location) || location.startsWith("git@")) return new GitRemote(location);
  return new DirectoryRemote(resolve(cwd, location.replace(/^dir:/, "")));
}
