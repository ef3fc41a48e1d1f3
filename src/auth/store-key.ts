// The token store's key lives outside the store file: in the OS keychain when one is usable
// (macOS `security`, Linux `secret-tool`), else in a 0600 key file beside it; a passphrase
// (ISARTOR_STORE_PASSPHRASE) replaces both on hosts where neither is wanted.
import { existsSync, readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { homePath, writePrivateFile } from "./isartor-home.ts";

export type KeySource = "keychain" | "file";

const SERVICE = "isartor";
const ACCOUNT = "token-store";

interface Keychain {
  get(): string | undefined;
  set(secret: string): boolean;
}

function run(cmd: string[], stdin?: string): { ok: boolean; out: string } {
  try {
    const p = Bun.spawnSync(cmd, { stdin: stdin === undefined ? "ignore" : Buffer.from(stdin), stdout: "pipe", stderr: "ignore" });
    return { ok: p.exitCode === 0, out: p.stdout.toString().trim() };
  } catch {
    return { ok: false, out: "" };
  }
}

function osKeychain(): Keychain | undefined {
  if (process.env.ISARTOR_KEYCHAIN === "off") return undefined;
  if (process.platform === "darwin" && Bun.which("security")) {
    return {
      get: () => run(["security", "find-generic-password", "-s", SERVICE, "-a", ACCOUNT, "-w"]).out || undefined,
      set: (s) => run(["security", "add-generic-password", "-U", "-s", SERVICE, "-a", ACCOUNT, "-w", s]).ok,
    };
  }
  if (process.platform === "linux" && Bun.which("secret-tool")) {
    return {
      get: () => {
        const r = run(["secret-tool", "lookup", "service", SERVICE, "account", ACCOUNT]);
        return r.ok && r.out ? r.out : undefined;
      },
      set: (s) => run(["secret-tool", "store", "--label=Isartor token store", "service", SERVICE, "account", ACCOUNT], s).ok,
    };
  }
  return undefined;
}

export function keyFilePath(): string {
  return homePath("keys", "token-store.key");
}

function decode(secret: string): Buffer {
  const key = Buffer.from(secret, "base64");
  if (key.length !== 32) throw new Error("the token store key is malformed (expected 32 bytes, base64)");
  return key;
}

/** The key a store sealed with `source` was written with; undefined when that key is gone. */
export function existingStoreKey(source: KeySource): Buffer | undefined {
  if (source === "keychain") {
    const s = osKeychain()?.get();
    return s ? decode(s) : undefined;
  }
  return existsSync(keyFilePath()) ? decode(readFileSync(keyFilePath(), "utf8").trim()) : undefined;
}

/** A key for a new store: the keychain's if it takes one, else a fresh key file. */
export function newStoreKey(): { key: Buffer; source: KeySource } {
  const secret = randomBytes(32).toString("base64");
  const keychain = osKeychain();
  if (keychain?.set(secret) && keychain.get() === secret) return { key: decode(secret), source: "keychain" };
  writePrivateFile(keyFilePath(), secret + "\n");
  return { key: decode(secret), source: "file" };
}
