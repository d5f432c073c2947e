/**
 * core's tlog/ed25519-raw.ts for the browser (vite.config.ts swaps it in): Ed25519 verification
 * of signed notes with @noble/curves, the same RFC 8032 check node:crypto makes. Only
 * verification: the console signs nothing.
 */
import { ed25519 } from '@noble/curves/ed25519.js';

export const ED25519_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

/** Stands where core has a node:crypto KeyObject: the raw 32-byte public key. */
export interface KeyObject {
  readonly raw: Uint8Array;
}

export function ed25519PublicKeyObject(publicKey: Uint8Array): KeyObject {
  return { raw: publicKey };
}

export function ed25519Verify(publicKey: KeyObject, message: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== ED25519_SIGNATURE_SIZE) return false;
  try {
    return ed25519.verify(sig, message, publicKey.raw, { zip215: false });
  } catch {
    return false;
  }
}

function unavailable(what: string): never {
  throw new Error(`${what} is not available in the console`);
}

export const ed25519PublicFromSeed = (): never => unavailable('ed25519PublicFromSeed');
export const ed25519PrivateKeyObject = (): never => unavailable('ed25519PrivateKeyObject');
export const ed25519Sign = (): never => unavailable('ed25519Sign');
