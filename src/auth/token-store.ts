// The encrypted token store (ADR-024): provider API keys and OAuth tokens, sealed with AES-256-GCM
// in ~/.isartor/tokens.json (mode 0600). The key is never in that file (see store-key.ts).
import { existsSync, readFileSync } from "node:fs";
import { homePath, writePrivateFile } from "./isartor-home.ts";
import { seal, sealWithPassphrase, unseal, unsealWithPassphrase, UnsealError, type Sealed } from "./sealed-box.ts";
import { existingStoreKey, newStoreKey, type KeySource } from "./store-key.ts";

export interface StoredCredential {
  type: "api_key" | "oauth";
  secret: string;
  refresh_token?: string;
  /** unix ms */
  expires_at?: number;
  /** where it came from: "stdin", "env:VAR", "prompt", "device-flow", "sync" */
  source: string;
  updated_at: string;
}

export type StoreFile = Sealed & { key_source: KeySource | "passphrase" };

export function tokenStorePath(): string {
  return homePath("tokens.json");
}

function passphrase(): string | undefined {
  return process.env.ISARTOR_STORE_PASSPHRASE || undefined;
}

export class TokenStore {
  private constructor(
    private readonly entries: Record<string, StoredCredential>,
    private keySource?: KeySource | "passphrase",
  ) {}

  static open(): TokenStore {
    const path = tokenStorePath();
    if (!existsSync(path)) return new TokenStore({});
    let file: StoreFile;
    try {
      file = JSON.parse(readFileSync(path, "utf8")) as StoreFile;
    } catch {
      throw new UnsealError(`${path} is not a token store file`);
    }
    let plain: Buffer;
    if (file.key_source === "passphrase") {
      const p = passphrase();
      if (!p) throw new UnsealError(`${path} is protected by a passphrase: set ISARTOR_STORE_PASSPHRASE`);
      plain = unsealWithPassphrase(file, p);
    } else {
      const key = existingStoreKey(file.key_source);
      if (!key) throw new UnsealError(`the key for ${path} is missing (${file.key_source === "keychain" ? "OS keychain entry 'isartor'" : "~/.isartor/keys/token-store.key"})`);
      plain = unseal(file, key);
    }
    return new TokenStore(JSON.parse(plain.toString("utf8")) as Record<string, StoredCredential>, file.key_source);
  }

  get(provider: string): StoredCredential | undefined {
    return this.entries[provider];
  }

  list(): [string, StoredCredential][] {
    return Object.entries(this.entries).sort(([a], [b]) => a.localeCompare(b));
  }

  set(provider: string, cred: Omit<StoredCredential, "updated_at">): void {
    this.entries[provider] = { ...cred, updated_at: new Date().toISOString() };
  }

  delete(provider: string): boolean {
    if (!(provider in this.entries)) return false;
    delete this.entries[provider];
    return true;
  }

  /** every entry, for sync bundles */
  toJSON(): Record<string, StoredCredential> {
    return { ...this.entries };
  }

  replaceAll(entries: Record<string, StoredCredential>): void {
    for (const k of Object.keys(this.entries)) delete this.entries[k];
    Object.assign(this.entries, entries);
  }

  save(): void {
    const plain = JSON.stringify(this.entries);
    const p = passphrase();
    let file: StoreFile;
    if (p) {
      file = { ...sealWithPassphrase(plain, p), key_source: "passphrase" };
    } else {
      const existing = this.keySource && this.keySource !== "passphrase" ? existingStoreKey(this.keySource) : undefined;
      const { key, source } = existing && this.keySource !== "passphrase" ? { key: existing, source: this.keySource as KeySource } : newStoreKey();
      file = { ...seal(plain, key), key_source: source };
    }
    this.keySource = file.key_source;
    writePrivateFile(tokenStorePath(), JSON.stringify(file, null, 2) + "\n");
  }

  get protectedBy(): string {
    return this.keySource ?? "nothing yet (empty store)";
  }
}

/** Shows a secret as its kind only: never a prefix, never its length. */
export function describeSecret(cred: StoredCredential): string {
  if (cred.type === "oauth") return cred.expires_at ? `oauth token (expires ${new Date(cred.expires_at).toISOString()})` : "oauth token";
  return "api key";
}
