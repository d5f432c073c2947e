/**
 * The classical part of the key module: TUF key records and Ed25519. `base.ts` (the idle agent's
 * core, which must not load ML-DSA) and `keys.ts` (every key type) both re-export it whole.
 */
export { KEY_ALGORITHMS, algorithmOf, isPostQuantum, keyIdOf } from './tuf-key.js';
export type { KeyAlgorithm, Signer, TufKey } from './tuf-key.js';
export {
  ed25519Key,
  ed25519PrivateKeyPem,
  ed25519PublicHex,
  ed25519Signer,
  ed25519Spki,
  generateEd25519,
  verifyEd25519,
} from './ed25519.js';
export type { Ed25519KeyPair } from './ed25519.js';
