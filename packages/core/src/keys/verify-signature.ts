/** One verification entry point for every key type; unknown types never verify. */
import { toHex } from '../bytes.js';
import { algorithmOf } from './tuf-key.js';
import type { KeyAlgorithm, TufKey } from './tuf-key.js';
import { ed25519PublicBytes, verifyEd25519 } from './ed25519.js';
import { verifyMlDsa65 } from './ml-dsa.js';
import { mlDsa65PublicKeyFromPem } from './ml-dsa-spki.js';

const VERIFIERS: Record<KeyAlgorithm, (key: TufKey, sig: string, data: Uint8Array) => boolean> = {
  ed25519: verifyEd25519,
  'ml-dsa-65': verifyMlDsa65,
};

const PUBLIC_BYTES: Record<KeyAlgorithm, (key: TufKey) => Uint8Array | undefined> = {
  ed25519: ed25519PublicBytes,
  'ml-dsa-65': (key) => mlDsa65PublicKeyFromPem(key.keyval.public),
};

/** Verifies one signature by the key's declared type; false for anything it cannot check. */
export function verifySignature(key: TufKey, signatureHex: string, data: Uint8Array): boolean {
  const algorithm = algorithmOf(key);
  return algorithm !== undefined && VERIFIERS[algorithm](key, signatureHex, data);
}

/**
 * What makes two key objects the same key: algorithm and raw public key bytes. Threshold counting
 * uses it so one key listed under two ids (or two PEM spellings) counts once. Undefined when the
 * key could never verify.
 */
export function publicKeyIdentity(key: TufKey): string | undefined {
  const algorithm = algorithmOf(key);
  const bytes = algorithm === undefined ? undefined : PUBLIC_BYTES[algorithm](key);
  return bytes === undefined ? undefined : `${algorithm}:${toHex(bytes)}`;
}
