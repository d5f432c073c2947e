import { sha256 } from './hash.js';
import { hasLoneSurrogate } from './text-checks.js';

/** C2SP signed-note "Signature types": the Ed25519 identifier byte. */
export const NOTE_ALG_ED25519 = 0x01;

const INVALID_NAME_CHAR = /[\s\u0085+]/u;

/** C2SP signed-note "Format": key names are non-empty, with no Unicode spaces and no plus. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !INVALID_NAME_CHAR.test(name) && !hasLoneSurrogate(name);
}

/** C2SP signed-note "Signatures": key ID = SHA-256(name || 0x0A || type || public key)[:4]. */
export function noteKeyId(name: string, alg: number, publicKey: Uint8Array): number {
  const nameBytes = new TextEncoder().encode(name);
  const input = new Uint8Array(nameBytes.length + 2 + publicKey.length);
  input.set(nameBytes);
  input[nameBytes.length] = 0x0a;
  input[nameBytes.length + 1] = alg;
  input.set(publicKey, nameBytes.length + 2);
  return Buffer.from(sha256(input)).readUInt32BE(0);
}

export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** Exactly 8 hex digits, as `<name>+<hex key ID>+...` key strings carry them. */
export function parseKeyId(text: string): number | undefined {
  return /^[0-9a-fA-F]{8}$/.test(text) ? Number.parseInt(text, 16) : undefined;
}
