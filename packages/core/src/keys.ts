/** Keys and signatures: Ed25519, ML-DSA-65 (TAP 21) and hybrid key sets of both. */
export { KEY_ALGORITHMS, algorithmOf, isPostQuantum, keyIdOf } from './keys/tuf-key.js';
export type { KeyAlgorithm, Signer, TufKey } from './keys/tuf-key.js';
export {
  ed25519Key,
  ed25519PrivateKeyPem,
  ed25519PublicHex,
  ed25519Signer,
  ed25519Spki,
  generateEd25519,
} from './keys/ed25519.js';
export type { Ed25519KeyPair } from './keys/ed25519.js';
export {
  ML_DSA_65_SIGNATURE_BYTES,
  generateMlDsa65,
  mlDsa65Key,
  mlDsa65Signer,
  tap21Message,
} from './keys/ml-dsa.js';
export type { MlDsa65KeyPair } from './keys/ml-dsa.js';
export { mlDsa65PublicKeyFromPem, mlDsa65PublicKeyPem } from './keys/ml-dsa-spki.js';
export { publicKeyIdentity, verifySignature } from './keys/verify-signature.js';
export {
  KEY_SET_TYPES,
  generateKeyPairSet,
  keySetTypeOf,
  publicKeysOf,
  signersOf,
} from './keys/key-pair-set.js';
export type { KeyPairSet, KeySetType } from './keys/key-pair-set.js';
