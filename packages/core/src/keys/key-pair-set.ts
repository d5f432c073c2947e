/**
 * The private keys of one key holder: always an Ed25519 key, and for a hybrid holder an ML-DSA-65
 * key as well. A hybrid set signs every metadata file twice, one signature per key id.
 */
import { ed25519Key, ed25519Signer, generateEd25519 } from './ed25519.js';
import type { Ed25519KeyPair } from './ed25519.js';
import { generateMlDsa65, mlDsa65Key, mlDsa65Signer } from './ml-dsa.js';
import type { MlDsa65KeyPair } from './ml-dsa.js';
import type { Signer, TufKey } from './tuf-key.js';

export const KEY_SET_TYPES = ['hybrid', 'ed25519'] as const;
export type KeySetType = (typeof KEY_SET_TYPES)[number];

export interface KeyPairSet {
  readonly ed25519: Ed25519KeyPair;
  readonly mlDsa65: MlDsa65KeyPair | undefined;
}

export function generateKeyPairSet(type: KeySetType = 'hybrid'): KeyPairSet {
  return {
    ed25519: generateEd25519(),
    mlDsa65: type === 'hybrid' ? generateMlDsa65() : undefined,
  };
}

export function keySetTypeOf(set: KeyPairSet): KeySetType {
  return set.mlDsa65 === undefined ? 'ed25519' : 'hybrid';
}

/** Public keys in TUF form, Ed25519 first. */
export function publicKeysOf(set: KeyPairSet): TufKey[] {
  const pq = set.mlDsa65 === undefined ? [] : [mlDsa65Key(set.mlDsa65.publicPem)];
  return [ed25519Key(set.ed25519.publicHex), ...pq];
}

/** One signer per key; each checks that its public key belongs to its private key. */
export function signersOf(set: KeyPairSet): Signer[] {
  const pq = set.mlDsa65 === undefined ? [] : [mlDsa65Signer(set.mlDsa65)];
  return [ed25519Signer(set.ed25519), ...pq];
}
