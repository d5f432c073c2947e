import { decodeBase64, encodeBase64 } from './base64.js';
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
  parseKeyId,
} from './note-key-id.js';
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
  const signer = ed25519NoteSigner(name, seed);
  const material = encodeBase64(new Uint8Array([NOTE_ALG_ED25519, ...seed]));
  return `${SIGNER_PREFIX}${name}+${formatKeyId(signer.keyId)}+${material}`;
}

/** Parses `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>` and checks the key ID. */
export function parseSignerKey(signerKey: string): Ed25519NoteSigner {
  if (!signerKey.startsWith(SIGNER_PREFIX)) throw invalidKey('not a PRIVATE+KEY signer key');
  const [name = '', idText = '', ...rest] = signerKey.slice(SIGNER_PREFIX.length).split('+');
  const keyId = parseKeyId(idText);
  const material = decodeBase64(rest.join('+'));
  if (keyId === undefined || material === undefined || !isValidKeyName(name)) {
    throw invalidKey('a signer key has the form PRIVATE+KEY+<name>+<8 hex digits>+<base64>');
  }
  if (material.length !== 1 + ED25519_KEY_SIZE || material[0] !== NOTE_ALG_ED25519) {
    throw invalidKey('the signer key is not an Ed25519 (type 0x01) key');
  }
  const signer = ed25519NoteSigner(name, material.subarray(1));
  if (signer.keyId !== keyId) throw invalidKey('the signer key ID does not match its key');
  return signer;
}

/** A fresh Ed25519 key pair for `name`, as signer and verifier key strings. */
export function generateNoteKeys(name: string): NoteKeyStrings {
  const seed = globalThis.crypto.getRandomValues(new Uint8Array(ED25519_KEY_SIZE));
  return {
    signerKey: formatSignerKey(name, seed),
    verifierKey: ed25519NoteSigner(name, seed).verifierKey,
  };
}
