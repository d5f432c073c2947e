import { encodeBase64 } from './base64.js';
import { ED25519_KEY_SIZE, ed25519PublicKeyObject, ed25519Verify } from './ed25519-raw.js';
import {
  NOTE_ALG_ED25519,
  formatKeyId,
  isValidKeyName,
  noteKeyId,
  splitKeyText,
} from './note-key-id.js';
import { invalidKey } from './tlog-errors.js';

/** A trusted key that can check signatures on a note (C2SP signed-note "Signatures"). */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** `signature` excludes the 4-byte key ID. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export interface Ed25519NoteVerifier extends NoteVerifier {
  readonly publicKey: Uint8Array;
  /** `<name>+<hex key ID>+<base64(0x01 || public key)>` */
  readonly verifierKey: string;
}

/** C2SP signed-note "Ed25519 signatures": a verifier for a 32-byte RFC 8032 public key. */
export function ed25519NoteVerifier(name: string, publicKey: Uint8Array): Ed25519NoteVerifier {
  if (!isValidKeyName(name)) throw invalidKey(`"${name}" is not a valid note key name`);
  if (publicKey.length !== ED25519_KEY_SIZE) throw invalidKey('Ed25519 keys are 32 bytes');
  const keyObject = ed25519PublicKeyObject(publicKey);
  const keyId = noteKeyId(name, NOTE_ALG_ED25519, publicKey);
  return {
    name,
    keyId,
    publicKey: publicKey.slice(),
    verifierKey: verifierKeyText(name, keyId, NOTE_ALG_ED25519, publicKey),
    verify: (message, signature) => ed25519Verify(keyObject, message, signature),
  };
}

/** The verifier key string of golang.org/x/mod/sumdb/note: name+keyid+base64(0x01 || key). */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  return ed25519NoteVerifier(name, publicKey).verifierKey;
}

/** C2SP signed-note "Verifier keys": `<name>+<hex key ID>+<base64(type || public key)>`. */
export function verifierKeyText(
  name: string,
  keyId: number,
  alg: number,
  publicKey: Uint8Array,
): string {
  const material = new Uint8Array([alg, ...publicKey]);
  return `${name}+${formatKeyId(keyId)}+${encodeBase64(material)}`;
}

/** Parses `<name>+<hex key ID>+<base64(0x01 || public key)>` and checks the key ID. */
export function parseVerifierKey(verifierKey: string): Ed25519NoteVerifier {
  const parts = splitKeyText(verifierKey);
  if (parts === undefined) {
    throw invalidKey('a verifier key has the form <name>+<8 hex digits>+<base64 key>');
  }
  if (parts.key.length !== ED25519_KEY_SIZE || parts.alg !== NOTE_ALG_ED25519) {
    throw invalidKey('the verifier key is not an Ed25519 (type 0x01) key');
  }
  const verifier = ed25519NoteVerifier(parts.name, parts.key);
  if (verifier.keyId !== parts.keyId) {
    throw invalidKey('the verifier key ID does not match its key');
  }
  return verifier;
}
