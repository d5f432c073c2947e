import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** RFC 8032 sizes. */
export const ED25519_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

/** RFC 8410 §7: the PKCS#8 prefix of a bare Ed25519 private key, used only to derive its public key. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

export function ed25519PublicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: base64url(publicKey) },
    format: 'jwk',
  });
}

/** The RFC 8032 public key of a 32-byte seed. */
export function ed25519PublicFromSeed(seed: Uint8Array): Uint8Array {
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, seed]);
  const jwk = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({
    format: 'jwk',
  });
  return new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'));
}

export function ed25519PrivateKeyObject(seed: Uint8Array, publicKey: Uint8Array): KeyObject {
  return createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: base64url(seed), x: base64url(publicKey) },
    format: 'jwk',
  });
}

export function ed25519Sign(privateKey: KeyObject, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, privateKey));
}

/** Any malformed input simply fails verification. */
export function ed25519Verify(publicKey: KeyObject, message: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== ED25519_SIGNATURE_SIZE) return false;
  try {
    return verify(null, message, publicKey, sig);
  } catch {
    return false;
  }
}
