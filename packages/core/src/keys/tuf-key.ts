/**
 * Public keys as TUF metadata carries them (spec §4.2, "KEY") and the signing interface.
 * A key's type is the pair (keytype, scheme); only the pairs in KEY_ALGORITHMS ever verify.
 */
import { canonicalize } from '../canonical-json.js';
import { sha256Hex } from '../bytes.js';

export interface TufKey {
  readonly keytype: string;
  readonly scheme: string;
  readonly keyval: { readonly public: string };
}

/**
 * The key types Patchcast signs and verifies. `ml-dsa` / `ml-dsa-65/1` are TAP 21's names
 * (ML-DSA-65, pre-signing format version 1), as securesystemslib and go-tuf spell them.
 */
export const KEY_ALGORITHMS = {
  ed25519: { keytype: 'ed25519', scheme: 'ed25519', postQuantum: false },
  'ml-dsa-65': { keytype: 'ml-dsa', scheme: 'ml-dsa-65/1', postQuantum: true },
} as const;

export type KeyAlgorithm = keyof typeof KEY_ALGORITHMS;

/** Something that can sign on behalf of one key id. Private material never leaves it. */
export interface Signer {
  readonly keyid: string;
  readonly key: TufKey;
  /** Signs the canonical bytes of a `signed` object; returns the hex `sig` TUF stores. */
  sign(data: Uint8Array): string;
}

/** The key id TUF assigns: SHA-256 of the canonical JSON of the public key object. */
export function keyIdOf(key: TufKey): string {
  return sha256Hex(canonicalize(key));
}

/** The algorithm a key declares, or undefined for a type Patchcast does not know. */
export function algorithmOf(key: Pick<TufKey, 'keytype' | 'scheme'>): KeyAlgorithm | undefined {
  for (const [name, { keytype, scheme }] of Object.entries(KEY_ALGORITHMS)) {
    if (key.keytype === keytype && key.scheme === scheme) return name as KeyAlgorithm;
  }
  return undefined;
}

export function isPostQuantum(key: TufKey): boolean {
  const algorithm = algorithmOf(key);
  return algorithm !== undefined && KEY_ALGORITHMS[algorithm].postQuantum;
}
