// Authenticated encryption for everything Isartor keeps secret on disk or sends to a sync remote:
// AES-256-GCM with a random 96-bit nonce per write; a passphrase becomes a key through scrypt.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";

export interface Sealed {
  v: 1;
  alg: "aes-256-gcm";
  /** present when the key was derived from a passphrase */
  kdf?: { name: "scrypt"; salt: string; N: number; r: number; p: number };
  iv: string;
  tag: string;
  data: string;
}

export class UnsealError extends Error {
  override name = "UnsealError";
}

const SCRYPT = { N: 1 << 15, r: 8, p: 1 } as const;

export function keyFromPassphrase(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number } = SCRYPT): Buffer {
  return scryptSync(passphrase.normalize("NFKC"), salt, 32, { ...params, maxmem: 128 * params.N * params.r * 2 });
}

export function seal(plaintext: Buffer | string, key: Buffer, kdf?: Sealed["kdf"]): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { v: 1, alg: "aes-256-gcm", ...(kdf ? { kdf } : {}), iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64"), data: data.toString("base64") };
}

export function unseal(box: Sealed, key: Buffer): Buffer {
  if (box?.v !== 1 || box.alg !== "aes-256-gcm") throw new UnsealError("unknown encrypted file format");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(box.iv, "base64"));
    decipher.setAuthTag(Buffer.from(box.tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(box.data, "base64")), decipher.final()]);
  } catch {
    throw new UnsealError("cannot decrypt: wrong key or passphrase, or the file was tampered with");
  }
}

/** Seals with a key derived from a passphrase; the salt and scrypt parameters travel with the box. */
export function sealWithPassphrase(plaintext: Buffer | string, passphrase: string): Sealed {
  const salt = randomBytes(16);
  return seal(plaintext, keyFromPassphrase(passphrase, salt), { name: "scrypt", salt: salt.toString("base64"), ...SCRYPT });
}

export function unsealWithPassphrase(box: Sealed, passphrase: string): Buffer {
  if (!box.kdf) throw new UnsealError("this file is not passphrase-protected");
  const { salt, N, r, p } = box.kdf;
  return unseal(box, keyFromPassphrase(passphrase, Buffer.from(salt, "base64"), { N, r, p }));
}
