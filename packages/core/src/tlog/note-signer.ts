import { encodeBase64 } from './base64.js';
import {
  ED25519_KEY_SIZE,
  ed25519PrivateKeyObject,
  ed25519PublicFromSeed,
  ed25519Sign,
} from './ed25519-raw.js';
import {
  NOTE_ALG_ED25519,
  formatKeyId,
  isValidKeyName,
  noteKeyId,
  splitKeyText,
} from './note-key-id.js';
import type { KeyText } from './note-key-id.js';
import { formatVerifierKey } from './note-verifier.js';
import { invalidKey } from './tlog-errors.js';

/** Signs note text on behalf of one key (C2SP signed-note "Signatures"). */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  /** The signature without the 4-byte key ID. */
  sign(message: Uint8Array): Uint8Array;
}

export interface Ed25519NoteSigner extends NoteSigner {
  readonly verifierKey: string;
}

export interface NoteKeyStrings {
  /** `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>`: keep secret. */
  readonly signerKey: string;
  readonly verifierKey: string;
}

const SIGNER_PREFIX = 'PRIVATE+KEY+';

/** An Ed25519 signer from a 32-byte RFC 8032 seed. */
export function ed25519NoteSigner(name: string, seed: Uint8Array): Ed25519NoteSigner {
  if (!isValidKeyName(name)) throw invalidKey(`"${name}" is not a valid note key name`);
  if (seed.length !== ED25519_KEY_SIZE) throw invalidKey('an Ed25519 seed is 32 bytes');
  const publicKey = ed25519PublicFromSeed(seed);
  const privateKey = ed25519PrivateKeyObject(seed, publicKey);
  return {
    name,
    keyId: noteKeyId(name, NOTE_ALG_ED25519, publicKey),
    verifierKey: formatVerifierKey(name, publicKey),
    sign: (message) => ed25519Sign(privateKey, message),
  };
}

/** The signer key string of golang.org/x/mod/sumdb/note for an Ed25519 seed. */
export function formatSignerKey(name: string, seed: Uint8Array): string {
  return signerKeyText(name, ed25519NoteSigner(name, seed).keyId, NOTE_ALG_ED25519, seed);
}

/** Parses `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>` and checks the key ID. */
export function parseSignerKey(signerKey: string): Ed25519NoteSigner {
  const parts = signerKeyParts(signerKey);
  if (parts.key.length !== ED25519_KEY_SIZE || parts.alg !== NOTE_ALG_ED25519) {
    throw invalidKey('the signer key is not an Ed25519 (type 0x01) key');
  }
  const signer = ed25519NoteSigner(parts.name, parts.key);
  if (signer.keyId !== parts.keyId) throw invalidKey('the signer key ID does not match its key');
  return signer;
}

/** The parts of a `PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)>` string. */
export function signerKeyParts(signerKey: string): KeyText {
  if (!signerKey.startsWith(SIGNER_PREFIX)) throw invalidKey('not a PRIVATE+KEY signer key');
  const parts = splitKeyText(signerKey.slice(SIGNER_PREFIX.length));
  if (parts === undefined) {
    throw invalidKey('a signer key has the form PRIVATE+KEY+<name>+<8 hex digits>+<base64>');
  }
  return parts;
}

/** `PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)>`. */
export function signerKeyText(name: string, keyId: number, alg: number, seed: Uint8Array): string {
  const material = encodeBase64(new Uint8Array([alg, ...seed]));
  return `${SIGNER_PREFIX}${name}+${formatKeyId(keyId)}+${material}`;
}

/** A fresh Ed25519 key pair for `name`, as signer and verifier key strings. */
export function generateNoteKeys(name: string): NoteKeyStrings {
  const seed = globalThis.crypto.getRandomValues(new Uint8Array(ED25519_KEY_SIZE));
  return {
    signerKey: formatSignerKey(name, seed),
    verifierKey: ed25519NoteSigner(name, seed).verifierKey,
  };
}
