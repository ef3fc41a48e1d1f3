// `isartor connect <client>` / `connect status` / `disconnect <client>`: point real clients at the
// gateway by editing their settings files, with a backup first and a diff for --dry-run.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { parseArgs } from "node:util";
import { createTwoFilesPatch } from "diff";
import { homePath, writePrivateFile } from "../auth/isartor-home.ts";
import { loadConfig } from "../config/load.ts";
import { parseHostPort } from "../server/server.ts";
import { CLIENTS, clientById, type ClientSpec, type ConnectTarget } from "./connect/clients.ts";
import { CliError, EXIT, paint, printJson, printTable } from "./output.ts";

export const CONNECT_HELP = `isartor connect <client> [--url URL] [--key-env VAR] [--model M] [--dry-run]
isartor connect status [--json]
isartor disconnect <client> [--dry-run]
  Point a client at the gateway: edits its settings files (a backup of each is kept in
  ~/.isartor/connect/), or with --dry-run prints the diff and changes nothing. disconnect restores
  the backups (files the connect created are removed).

  Clients: ${CLIENTS.map((c) => c.id).join(", ")}
  --url       gateway base URL (default from host_port, e.g. http://127.0.0.1:8080)
  --key-env   environment variable holding the key clients send (default: gateway_api_key, or a
              placeholder when the gateway needs none)

  Examples:
    isartor connect claude-code
    isartor connect codex --model gpt-5-codex --dry-run
    isartor disconnect claude-code`;

interface Manifest {
  client: string;
  url: string;
  connected_at: string;
  files: { path: string; existed: boolean; backup?: string }[];
}

const manifestPath = (id: string) => homePath("connect", `${id}.json`);

function readManifest(id: string): Manifest | undefined {
  const p = manifestPath(id);
  return existsSync(p) ? (JSON.parse(readFileSync(p, "utf8")) as Manifest) : undefined;
}

function readText(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

function defaultTarget(values: { url?: string; "key-env"?: string; model?: string; config?: string }): ConnectTarget {
  const { config } = loadConfig({ configPath: values.config });
  let url = values.url;
  if (!url) {
    const { hostname, port } = parseHostPort(config.host_port);
    const host = hostname === "0.0.0.0" || hostname === "::" || !hostname ? "127.0.0.1" : hostname;
    url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  }
  if (!/^https?:\/\/[^/]+/.test(url)) throw new CliError(`--url must be an http(s) URL, got '${url}'`, EXIT.usage);
  let key = config.gateway_api_key || "isartor-local";
  if (values["key-env"]) {
    key = process.env[values["key-env"]] ?? "";
    if (!key) throw new CliError(`environment variable ${values["key-env"]} is empty or not set`, EXIT.usage);
  }
  return { url: url.replace(/\/+$/, ""), key, ...(values.model ? { model: values.model } : {}) };
}

function client(id: string | undefined): ClientSpec {
  const c = id ? clientById(id) : undefined;
  if (!c) throw new CliError(`${id ? `unknown client '${id}'` : "name a client"}; one of: ${CLIENTS.map((x) => x.id).join(", ")}`, EXIT.usage);
  return c;
}

function printDiff(path: string, before: string | undefined, after: string | undefined, key: string) {
  // the key never appears in a diff (it may be a real gateway key)
  const hide = (s: string | undefined) => (s ?? "").split(key).join(key === "isartor-local" ? key : "********");
  process.stdout.write(createTwoFilesPatch(before === undefined ? "/dev/null" : path, after === undefined ? "/dev/null" : path, hide(before), hide(after), "", "", { context: 3 }));
}

async function probe(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1500) })).ok;
  } catch {
    return false;
  }
}

async function connect(spec: ClientSpec, target: ConnectTarget, dryRun: boolean): Promise<number> {
  const edits = spec.edits(target, process.env);
  const previous = readManifest(spec.id);
  const manifest: Manifest = { client: spec.id, url: target.url, connected_at: new Date().toISOString(), files: [] };
  for (const [i, edit] of edits.entries()) {
    const before = readText(edit.path);
    const after = edit.connect(before);
    if (dryRun) {
      printDiff(edit.path, before, after, target.key);
      continue;
    }
    // reconnecting keeps the backup of the file as it was before the first connect
    const earlier = previous?.files.find((f) => f.path === edit.path);
    let entry = earlier ?? { path: edit.path, existed: before !== undefined };
    if (!earlier && before !== undefined) {
      const backup = homePath("connect", "backups", spec.id, `${i}-${basename(edit.path)}`);
      mkdirSync(dirname(backup), { recursive: true, mode: 0o700 });
      copyFileSync(edit.path, backup);
      entry = { ...entry, backup };
    }
    manifest.files.push(entry);
    mkdirSync(dirname(edit.path), { recursive: true });
    if (edit.path.startsWith(homePath())) writePrivateFile(edit.path, after);
    else writeFileSync(edit.path, after);
    console.log(`${before === undefined ? "created" : "updated"} ${edit.path}${entry.backup ? ` (backup ${entry.backup})` : ""}`);
  }
  if (dryRun) {
    console.log(paint("\n--dry-run: nothing was written", "dim"));
    return 0;
  }
  writePrivateFile(manifestPath(spec.id), JSON.stringify(manifest, null, 2) + "\n");
  console.log(`${paint("connected", "green")}: ${spec.name} → ${target.url}`);
  console.log(`next: ${spec.next(target)}`);
  if (!(await probe(target.url))) console.log(paint(`note: no gateway answers at ${target.url} yet — start it with \`isartor up\``, "yellow"));
  return 0;
}

function disconnect(spec: ClientSpec, dryRun: boolean): number {
  const manifest = readManifest(spec.id);
  if (!manifest) {
    console.log(`${spec.name} is not connected (nothing to restore)`);
    return EXIT.failed;
  }
  for (const f of manifest.files) {
    const now = readText(f.path);
    const restored = f.backup ? readFileSync(f.backup, "utf8") : undefined;
    if (dryRun) {
      printDiff(f.path, now, restored, "isartor-local");
      continue;
    }
    if (restored !== undefined) writeFileSync(f.path, restored);
    else if (existsSync(f.path)) rmSync(f.path);
    console.log(restored !== undefined ? `restored ${f.path}` : `removed ${f.path} (it did not exist before connect)`);
  }
  if (dryRun) return 0;
  rmSync(manifestPath(spec.id));
  rmSync(homePath("connect", "backups", spec.id), { recursive: true, force: true });
  console.log(`${paint("disconnected", "green")}: ${spec.name}`);
  return 0;
}

async function status(json: boolean): Promise<number> {
  const rows = CLIENTS.map((c) => {
    const m = readManifest(c.id);
    const target = m ? { url: m.url, key: "" } : undefined;
    const intact = m && target ? c.edits(target, process.env).every((e) => e.connected(readText(e.path), target)) : false;
    return { client: c.id, name: c.name, connected: Boolean(m), url: m?.url ?? null, settings_intact: m ? intact : null, since: m?.connected_at ?? null };
  });
  const live = Object.fromEntries(await Promise.all([...new Set(rows.map((r) => r.url).filter(Boolean))].map(async (u) => [u, await probe(u!)] as const)));
  if (json) {
    printJson(rows.map((r) => ({ ...r, gateway_up: r.url ? live[r.url] : null })));
    return 0;
  }
  printTable([
    ["CLIENT", "STATUS", "GATEWAY", "SINCE"],
    ...rows.map((r) => [
      r.client,
      r.connected ? (r.settings_intact ? paint("connected", "green") : paint("connected (settings changed since)", "yellow")) : "not connected",
      r.url ? `${r.url} (${live[r.url] ? "up" : "down"})` : "-",
      r.since ?? "-",
    ]),
  ]);
  return 0;
}

const OPTIONS = {
  url: { type: "string" },
  "key-env": { type: "string" },
  model: { type: "string" },
  config: { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export async function connectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help || !positionals[0]) {
    console.log(CONNECT_HELP);
    return values.help ? 0 : EXIT.usage;
  }
  if (positionals[0] === "status") return status(Boolean(values.json));
  return connect(client(positionals[0]), defaultTarget(values), Boolean(values["dry-run"]));
}

export async function disconnectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help || !positionals[0]) {
    console.log(CONNECT_HELP);
    return values.help ? 0 : EXIT.usage;
  }
  return disconnect(client(positionals[0]), Boolean(values["dry-run"]));
}
