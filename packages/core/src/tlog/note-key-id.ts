import { decodeBase64 } from './base64.js';
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

/** The parts of a `<name>+<hex key ID>+<base64(type || key)>` string, checked for shape only. */
export interface KeyText {
  readonly name: string;
  readonly keyId: number;
  readonly alg: number;
  readonly key: Uint8Array;
}

/** Splits a C2SP signed-note key string (after any `PRIVATE+KEY+` prefix); undefined if malformed. */
export function splitKeyText(text: string): KeyText | undefined {
  const [name = '', idText = '', ...rest] = text.split('+');
  const keyId = parseKeyId(idText);
  const material = decodeBase64(rest.join('+'));
  if (keyId === undefined || material === undefined || material.length < 2) return undefined;
  if (!isValidKeyName(name)) return undefined;
  return { name, keyId, alg: material[0] as number, key: material.subarray(1) };
}
