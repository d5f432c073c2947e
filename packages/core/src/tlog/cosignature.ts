/** C2SP tlog-cosignature, the Ed25519 `cosignature/v1` type: timestamped witness signatures. */
import {
  ED25519_KEY_SIZE,
  ED25519_SIGNATURE_SIZE,
  ed25519PrivateKeyObject,
  ed25519PublicFromSeed,
  ed25519PublicKeyObject,
  ed25519Sign,
  ed25519Verify,
} from './ed25519-raw.js';
import { isValidKeyName, noteKeyId, splitKeyText } from './note-key-id.js';
import type { KeyText } from './note-key-id.js';
import type { NoteKeyStrings } from './note-signer.js';
import { signerKeyParts, signerKeyText } from './note-signer.js';
import { verifierKeyText } from './note-verifier.js';
import type { NoteSignature } from './signed-note.js';
import { checkNoteText } from './signed-note.js';
import { invalidArgument, invalidKey } from './tlog-errors.js';

/** C2SP tlog-cosignature "Format": the signature type of Ed25519 cosignature/v1 keys. */
export const NOTE_ALG_COSIGNATURE_V1 = 0x04;

/** C2SP tlog-cosignature: `timestamped_signature` is a big-endian u64 and the signature. */
const TIMESTAMP_SIZE = 8;
const MAX_TIMESTAMP = 2n ** 63n - 1n;

/** A witness's signing key. */
export interface Cosigner {
  readonly name: string;
  readonly keyId: number;
  /** `<name>+<hex key ID>+<base64(0x04 || public key)>` */
  readonly verifierKey: string;
  /** Cosigns checkpoint note `text` (signatures excluded) as of POSIX time `timestamp`. */
  cosign(text: string, timestamp: number): NoteSignature;
}

/** A trusted witness key. */
export interface CosignatureVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly verifierKey: string;
  /** The cosignature's timestamp if `signature` cosigns `text` with this key, else undefined. */
  verify(text: string, signature: NoteSignature): number | undefined;
}

/**
 * C2SP tlog-cosignature "Ed25519 signed message": `cosignature/v1`, `time <timestamp>`, then the
 * whole checkpoint note text (extension lines included), each line newline-terminated.
 */
export function cosignedMessage(text: string, timestamp: number): Uint8Array {
  checkNoteText(text);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw invalidArgument(`${String(timestamp)} is not a POSIX timestamp`);
  }
  return new TextEncoder().encode(`cosignature/v1\ntime ${timestamp}\n${text}`);
}

/** An Ed25519 cosigner from a 32-byte RFC 8032 seed. */
export function ed25519Cosigner(name: string, seed: Uint8Array): Cosigner {
  if (!isValidKeyName(name)) throw invalidKey(`"${name}" is not a valid note key name`);
  if (seed.length !== ED25519_KEY_SIZE) throw invalidKey('an Ed25519 seed is 32 bytes');
  const publicKey = ed25519PublicFromSeed(seed);
  const privateKey = ed25519PrivateKeyObject(seed, publicKey);
  const keyId = noteKeyId(name, NOTE_ALG_COSIGNATURE_V1, publicKey);
  return {
    name,
    keyId,
    verifierKey: verifierKeyText(name, keyId, NOTE_ALG_COSIGNATURE_V1, publicKey),
    cosign(text, timestamp) {
      const signature = ed25519Sign(privateKey, cosignedMessage(text, timestamp));
      const bytes = new Uint8Array(TIMESTAMP_SIZE + signature.length);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(timestamp));
      bytes.set(signature, TIMESTAMP_SIZE);
      return { name, keyId, signature: bytes };
    },
  };
}

/** A verifier for an Ed25519 cosigner's 32-byte public key. */
export function ed25519CosignatureVerifier(
  name: string,
  publicKey: Uint8Array,
): CosignatureVerifier {
  if (!isValidKeyName(name)) throw invalidKey(`"${name}" is not a valid note key name`);
  if (publicKey.length !== ED25519_KEY_SIZE) throw invalidKey('Ed25519 keys are 32 bytes');
  const keyObject = ed25519PublicKeyObject(publicKey);
  const keyId = noteKeyId(name, NOTE_ALG_COSIGNATURE_V1, publicKey);
  return {
    name,
    keyId,
    verifierKey: verifierKeyText(name, keyId, NOTE_ALG_COSIGNATURE_V1, publicKey),
    verify(text, { name: signer, keyId: id, signature }) {
      if (signer !== name || id !== keyId) return undefined;
      if (signature.length !== TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE) return undefined;
      const timestamp = cosignatureTimestamp(signature);
      if (timestamp === undefined) return undefined;
      const message = cosignedMessage(text, timestamp);
      return ed25519Verify(keyObject, message, signature.subarray(TIMESTAMP_SIZE))
        ? timestamp
        : undefined;
    },
  };
}

/** The POSIX timestamp leading a cosignature, if it is at most 2^63 - 1 (and a safe integer). */
export function cosignatureTimestamp(signature: Uint8Array): number | undefined {
  if (signature.length < TIMESTAMP_SIZE) return undefined;
  const view = new DataView(signature.buffer, signature.byteOffset, TIMESTAMP_SIZE);
  const timestamp = view.getBigUint64(0);
  if (timestamp > MAX_TIMESTAMP || timestamp > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(timestamp);
}

/** Parses a witness verifier key `<name>+<hex key ID>+<base64(0x04 || public key)>`. */
export function parseCosignatureVerifierKey(verifierKey: string): CosignatureVerifier {
  const parts = cosignerParts(splitKeyText(verifierKey.trim()), 'witness verifier key');
  const verifier = ed25519CosignatureVerifier(parts.name, parts.key);
  if (verifier.keyId !== parts.keyId) throw invalidKey('the witness key ID does not match its key');
  return verifier;
}

/** Parses a witness signer key `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x04 || seed)>`. */
export function parseCosignerKey(signerKey: string): Cosigner {
  const parts = cosignerParts(signerKeyParts(signerKey.trim()), 'witness signer key');
  const cosigner = ed25519Cosigner(parts.name, parts.key);
  if (cosigner.keyId !== parts.keyId) throw invalidKey('the witness key ID does not match its key');
  return cosigner;
}

/** A fresh witness key pair for `name`, as signer and verifier key strings. */
export function generateCosignerKeys(name: string): NoteKeyStrings {
  const seed = globalThis.crypto.getRandomValues(new Uint8Array(ED25519_KEY_SIZE));
  const cosigner = ed25519Cosigner(name, seed);
  return {
    signerKey: signerKeyText(name, cosigner.keyId, NOTE_ALG_COSIGNATURE_V1, seed),
    verifierKey: cosigner.verifierKey,
  };
}

function cosignerParts(parts: KeyText | undefined, what: string): KeyText {
  if (parts === undefined) throw invalidKey(`a ${what} has the form <name>+<8 hex>+<base64>`);
  if (parts.alg !== NOTE_ALG_COSIGNATURE_V1 || parts.key.length !== ED25519_KEY_SIZE) {
    throw invalidKey(`the ${what} is not an Ed25519 cosignature/v1 (type 0x04) key`);
  }
  return parts;
}
