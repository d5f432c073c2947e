/**
 * ML-DSA-65 (FIPS 204) keys through @noble/post-quantum, signing as TAP 21 version 1 says: never
 * the metadata itself but the pre-signing string "tuf" || 0x01 || SHA-512(canonical JSON), with
 * pure ML-DSA and an empty context. The private key is the 32-byte FIPS 204 key-generation seed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { fromHex, isHex, toHex } from '../bytes.js';
import { PatchcastError } from '../errors.js';
import { KEY_ALGORITHMS, keyIdOf } from './tuf-key.js';
import type { Signer, TufKey } from './tuf-key.js';
import { mlDsa65PublicKeyFromPem, mlDsa65PublicKeyPem } from './ml-dsa-spki.js';

export const ML_DSA_65_SIGNATURE_BYTES = 3309;
/** TAP 21: the ASCII domain separator "tuf" and the pre-signing format version 1. */
const TAP21_V1_PREFIX = Uint8Array.of(0x74, 0x75, 0x66, 0x01);

export interface MlDsa65KeyPair {
  readonly seedHex: string;
  readonly publicPem: string;
}

export function mlDsa65Key(publicPem: string): TufKey {
  const { keytype, scheme } = KEY_ALGORITHMS['ml-dsa-65'];
  return { keytype, scheme, keyval: { public: publicPem } };
}

/** A new key pair; `seed` (32 bytes) makes it deterministic (FIPS 204 ML-DSA.KeyGen_internal). */
export function generateMlDsa65(seed: Uint8Array = randomBytes(32)): MlDsa65KeyPair {
  const { publicKey } = ml_dsa65.keygen(seed);
  return { seedHex: toHex(seed), publicPem: mlDsa65PublicKeyPem(publicKey) };
}

/** TAP 21 v1: the bytes that are actually signed for metadata whose canonical JSON is `data`. */
export function tap21Message(data: Uint8Array): Uint8Array {
  const digest = createHash('sha512').update(data).digest();
  const message = new Uint8Array(TAP21_V1_PREFIX.length + digest.length);
  message.set(TAP21_V1_PREFIX);
  message.set(digest, TAP21_V1_PREFIX.length);
  return message;
}

export function mlDsa65Signer(pair: MlDsa65KeyPair): Signer {
  if (!isHex(pair.seedHex, 32)) {
    throw new PatchcastError('KEY_INVALID', 'an ML-DSA-65 key needs a 32-byte seed in hex');
  }
  const { secretKey, publicKey } = ml_dsa65.keygen(fromHex(pair.seedHex));
  if (mlDsa65PublicKeyPem(publicKey) !== pair.publicPem) {
    throw new PatchcastError(
      'KEY_INVALID',
      'the ML-DSA-65 public key does not belong to the private key',
    );
  }
  const key = mlDsa65Key(pair.publicPem);
  return {
    keyid: keyIdOf(key),
    key,
    sign: (data) => toHex(ml_dsa65.sign(tap21Message(data), secretKey)),
  };
}

/** Verifies a TAP 21 v1 ML-DSA-65 signature over canonical `data`; malformed input fails. */
export function verifyMlDsa65(key: TufKey, signatureHex: string, data: Uint8Array): boolean {
  const publicKey = mlDsa65PublicKeyFromPem(key.keyval.public);
  if (publicKey === undefined || !isHex(signatureHex, ML_DSA_65_SIGNATURE_BYTES)) return false;
  try {
    return ml_dsa65.verify(fromHex(signatureHex), tap21Message(data), publicKey);
  } catch {
    return false;
  }
}
