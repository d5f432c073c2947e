/**
 * Keys for the in-memory test repositories. ML-DSA-65 signing dominates test time, so a TestRepo's
 * own role keys are made once per process and each signer signs a given input only once.
 */
import { generateKeyPairSet, isPostQuantum, sha256Hex, signersOf } from '../../src/index.js';
import type { KeySetType, RoleName, Signer } from '../../src/index.js';

/**
 * The signers of `count` new key holders: each holder has an Ed25519 key and, when `type` is
 * hybrid (the default, as Patchcast ships), an ML-DSA-65 key. Ordered holder by holder.
 */
export function makeSigners(count: number, type: KeySetType = 'hybrid'): Signer[] {
  return Array.from({ length: count }, () => signersOf(generateKeyPairSet(type))).flat();
}

/** Signs each distinct input once: ML-DSA-65 signing dominates test time; any valid sig will do. */
function memoized(signer: Signer): Signer {
  const signatures = new Map<string, string>();
  const sign = (data: Uint8Array): string => {
    const digest = sha256Hex(data);
    const sig = signatures.get(digest) ?? signer.sign(data);
    signatures.set(digest, sig);
    return sig;
  };
  return { keyid: signer.keyid, key: signer.key, sign };
}

const ROLE_KEYS = new Map<string, Signer[]>();

/**
 * A TestRepo's own role keys, cached per process and per (role, count, type): every TestRepo of a
 * test file trusts the same role keys, so identical metadata is signed once. Keys that must be
 * new (rotations, attackers) come from makeSigners.
 */
export function roleSigners(role: RoleName, count: number, type: KeySetType): Signer[] {
  const name = `${role}/${count}/${type}`;
  const cached = ROLE_KEYS.get(name) ?? makeSigners(count, type).map(memoized);
  ROLE_KEYS.set(name, cached);
  return cached;
}

/** The Ed25519 signers among `signers`. */
export function classical(signers: readonly Signer[]): Signer[] {
  return signers.filter((s) => !isPostQuantum(s.key));
}

/** The ML-DSA-65 signers among `signers`. */
export function postQuantum(signers: readonly Signer[]): Signer[] {
  return signers.filter((s) => isPostQuantum(s.key));
}
