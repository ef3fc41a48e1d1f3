// `isartor sync init|push|pull|status|serve` (ADR-025): end-to-end encrypted config and key sync.
// The passphrase never leaves the machine; remotes only ever hold the sealed record.
import { existsSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { hostname } from "node:os";
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import { parse as parseToml, stringify as toToml } from "smol-toml";
import { homePath, writePrivateFile } from "../auth/isartor-home.ts";
import { keyFromPassphrase, sealWithPassphrase, unsealWithPassphrase } from "../auth/sealed-box.ts";
import { TokenStore } from "../auth/token-store.ts";
import { findConfigFile } from "../config/load.ts";
import { bundleFrom, bundleHash, mergeInto, type SyncBundle } from "../sync/bundle.ts";
import { openRemote, type SyncRecord } from "../sync/remote.ts";
import { startSyncServer } from "../sync/sync-server.ts";
import { CliError, EXIT, paint, printJson } from "./output.ts";
import { Prompter } from "./prompt.ts";

export const SYNC_HELP = `isartor sync <init|push|pull|status|serve> [options]
  End-to-end encrypted sync of the provider settings of isartor.toml (providers, aliases, quotas,
  retry/fallback) and the API keys of the token store. OAuth tokens, caches, usage history, bind
  addresses and local paths are never synced. The remote only ever sees an AES-256-GCM sealed
  record; the passphrase (ISARTOR_SYNC_PASSPHRASE, or asked) never leaves this machine.

  init --remote LOC [--id NAME]   remember where to sync: a directory, http(s)://host (a
                                  \`isartor sync serve\`; ISARTOR_SYNC_TOKEN as bearer), or a git
                                  remote (git+URL, *.git)
  push [--force]                  upload; refuses (exit 3) when the remote changed since the last sync
  pull [--force]                  download and merge; refuses (exit 3) when both sides changed
  status [--json]                 local vs remote version
  serve [--host H] [--port P] [--dir D]   run the zero-knowledge sync server
  --config FILE                   the isartor.toml to sync (default: the one isartor would load)

  Examples:
    isartor sync init --remote ~/Dropbox/isartor
    ISARTOR_SYNC_PASSPHRASE=… isartor sync push
    isartor sync init --remote git+ssh://git@example.com/me/isartor-sync.git && isartor sync pull`;

interface Profile {
  remote: string;
  id: string;
}
interface State {
  remote: string;
  user_hash: string;
  version: number;
  hash: string;
  synced_at: string;
}

const profilePath = () => homePath("sync-profile.json");
const statePath = () => homePath("sync-state.json");

function readJson<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as T) : undefined;
}

function profile(): Profile {
  const p = readJson<Profile>(profilePath());
  if (!p) throw new CliError("no sync profile: run `isartor sync init --remote <dir|url|git remote>` first", EXIT.usage);
  return p;
}

async function passphrase(): Promise<string> {
  const p = process.env.ISARTOR_SYNC_PASSPHRASE || (await new Prompter().ask("sync passphrase", { secret: true }));
  if (p.length < 8) throw new CliError("the sync passphrase must have at least 8 characters", EXIT.usage);
  return p;
}

/** The record's name on the remote: derived from the id and the passphrase, so it reveals neither. */
function userHash(id: string, pass: string): string {
  const idKey = keyFromPassphrase(pass, Buffer.from(`isartor-sync-user:${id}`));
  return createHash("sha256").update(idKey).digest("hex");
}

function configPath(flag: string | undefined): string {
  return findConfigFile({ configPath: flag }) ?? homePath("isartor.toml");
}

function localBundle(path: string): { table: Record<string, unknown>; bundle: SyncBundle } {
  const table = existsSync(path) ? (parseToml(readFileSync(path, "utf8")) as Record<string, unknown>) : {};
  return { table, bundle: bundleFrom(table, TokenStore.open().toJSON()) };
}

function conflict(message: string): never {
  throw new CliError(`${message}; run with --force to overwrite`, EXIT.conflict);
}

/** What push, pull and status all start from: the profile, the passphrase, the remote's record and the last sync. */
async function openSession() {
  const prof = profile();
  const pass = await passphrase();
  const hash = userHash(prof.id, pass);
  const remote = openRemote(prof.remote);
  const current = await remote.get(hash);
  const state = readJson<State>(statePath());
  return { prof, pass, hash, remote, current, known: state?.user_hash === hash ? state : undefined };
}

function saveState(s: State): void {
  writePrivateFile(statePath(), JSON.stringify(s, null, 2));
}

async function push(flags: { config?: string; force?: boolean }): Promise<number> {
  const { prof, pass, hash, remote, current, known } = await openSession();
  const seen = known?.version ?? 0;
  if (current && current.version > seen && !flags.force) {
    conflict(`the remote changed since your last sync (version ${current.version} from ${current.device} at ${current.updated_at}, you last saw ${seen}): pull first`);
  }
  const { bundle } = localBundle(configPath(flags.config));
  const record: SyncRecord = {
    user_hash: hash,
    version: Math.max(current?.version ?? 0, seen) + 1,
    updated_at: new Date().toISOString(),
    device: hostname(),
    blob: sealWithPassphrase(JSON.stringify(bundle), pass),
  };
  await remote.put(record);
  saveState({ remote: prof.remote, user_hash: hash, version: record.version, hash: bundleHash(bundle), synced_at: record.updated_at });
  console.log(`${paint("pushed", "green")} version ${record.version} to ${remote.description} (${Object.keys(bundle.config).length} settings, ${Object.keys(bundle.keys).length} keys, encrypted)`);
  return 0;
}

async function pull(flags: { config?: string; force?: boolean }): Promise<number> {
  const { prof, pass, hash, remote, current, known } = await openSession();
  if (!current) throw new CliError(`nothing to pull from ${remote.description} for this id and passphrase (push from another machine first)`, EXIT.failed);
  const path = configPath(flags.config);
  const local = localBundle(path);
  const localChanged = known ? bundleHash(local.bundle) !== known.hash : Object.keys(local.bundle.config).length + Object.keys(local.bundle.keys).length > 0;
  if (known && current.version <= known.version && !flags.force) {
    console.log(`already up to date (version ${known.version})`);
    return 0;
  }
  const bundle = JSON.parse(unsealWithPassphrase(current.blob, pass).toString("utf8")) as SyncBundle;
  if (localChanged && bundleHash(local.bundle) !== bundleHash(bundle) && !flags.force) {
    conflict(`local settings changed since the last sync and the remote has version ${current.version} from ${current.device}: push, or pull --force`);
  }
  if (existsSync(path)) copyFileSync(path, `${path}.bak`);
  writeFileSync(path, toToml(mergeInto(local.table, bundle)) + "\n");
  const store = TokenStore.open();
  for (const [name, cred] of Object.entries(bundle.keys)) store.set(name, { ...cred, source: "sync" });
  if (Object.keys(bundle.keys).length) store.save();
  saveState({ remote: prof.remote, user_hash: hash, version: current.version, hash: bundleHash(localBundle(path).bundle), synced_at: new Date().toISOString() });
  console.log(`${paint("pulled", "green")} version ${current.version} from ${remote.description} into ${path}${existsSync(`${path}.bak`) ? ` (previous file kept as ${path}.bak)` : ""}`);
  return 0;
}

async function status(flags: { config?: string; json?: boolean }): Promise<number> {
  const { remote, current, known } = await openSession();
  const localChanged = known ? bundleHash(localBundle(configPath(flags.config)).bundle) !== known.hash : true;
  const out = { remote: remote.description, remote_version: current?.version ?? null, remote_updated_at: current?.updated_at ?? null, remote_device: current?.device ?? null, last_synced_version: known?.version ?? null, local_changed: localChanged };
  if (flags.json) printJson(out);
  else console.log(`${out.remote}: remote version ${out.remote_version ?? "none"}${current ? ` (${current.device}, ${current.updated_at})` : ""}, last synced ${out.last_synced_version ?? "never"}, local changes: ${localChanged ? "yes" : "no"}`);
  return 0;
}

export async function sync(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      remote: { type: "string" },
      id: { type: "string" },
      force: { type: "boolean" },
      json: { type: "boolean" },
      config: { type: "string" },
      host: { type: "string" },
      port: { type: "string" },
      dir: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  const sub = positionals[0];
  if (values.help || !sub) {
    console.log(SYNC_HELP);
    return values.help ? 0 : EXIT.usage;
  }
  switch (sub) {
    case "init": {
      if (!values.remote) throw new CliError("sync init needs --remote <dir|url|git remote>", EXIT.usage);
      writePrivateFile(profilePath(), JSON.stringify({ remote: values.remote, id: values.id ?? "default" } satisfies Profile, null, 2));
      console.log(`sync profile saved: ${openRemote(values.remote).description}`);
      return 0;
    }
    case "push":
      return push(values);
    case "pull":
      return pull(values);
    case "status":
      return status(values);
    case "serve": {
      const port = Number(values.port ?? 8787);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be a port number, got '${values.port}'`, EXIT.usage);
      const server = startSyncServer({ hostname: values.host ?? "127.0.0.1", port, dir: values.dir ?? homePath("sync-server"), token: process.env.ISARTOR_SYNC_TOKEN });
      console.log(`isartor sync server listening on http://${server.hostname}:${server.port}`);
      await new Promise<void>((resolve) => {
        process.once("SIGTERM", resolve);
        process.once("SIGINT", resolve);
      });
      server.stop(true);
      return 0;
    }
    default:
      throw new CliError(`unknown sync command '${sub}' (init, push, pull, status, serve)`, EXIT.usage);
  }
}
