/** Keys and signatures: Ed25519, ML-DSA-65 (TAP 21) and hybrid key sets of both. */
export * from './keys/classic.js';
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
