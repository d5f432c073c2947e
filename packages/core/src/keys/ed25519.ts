/** Ed25519 keys (RFC 8032) through node:crypto; TUF carries the 32-byte public key in hex. */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { fromHex, isHex, toHex } from '../bytes.js';
import { PatchcastError } from '../errors.js';
import { KEY_ALGORITHMS, keyIdOf } from './tuf-key.js';
import type { Signer, TufKey } from './tuf-key.js';

export interface Ed25519KeyPair {
  readonly publicHex: string;
  readonly seedHex: string;
}

export function ed25519Key(publicHex: string): TufKey {
  const { keytype, scheme } = KEY_ALGORITHMS.ed25519;
  return { keytype, scheme, keyval: { public: publicHex } };
}

export function generateEd25519(): Ed25519KeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  if (jwk.d === undefined || jwk.x === undefined) throw new Error('ed25519 export lacks d or x');
  return {
    publicHex: toHex(Buffer.from(jwk.x, 'base64url')),
    seedHex: toHex(Buffer.from(jwk.d, 'base64url')),
  };
}

function privateKeyObject(pair: Ed25519KeyPair): KeyObject {
  return createPrivateKey({
    key: {
      kty: 'OKP',
      crv: 'Ed25519',
      d: Buffer.from(fromHex(pair.seedHex)).toString('base64url'),
      x: Buffer.from(fromHex(pair.publicHex)).toString('base64url'),
    },
    format: 'jwk',
  });
}

function publicKeyObject(publicHex: string): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(fromHex(publicHex)).toString('base64url') },
    format: 'jwk',
  });
}

/** The key pair's private key as PEM (PKCS #8), for TLS client authentication (ADR 0030). */
export function ed25519PrivateKeyPem(pair: Ed25519KeyPair): string {
  return privateKeyObject(pair).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** The public key as DER SubjectPublicKeyInfo (RFC 8410), e.g. for a certificate. */
export function ed25519Spki(publicHex: string): Buffer {
  return publicKeyObject(publicHex).export({ type: 'spki', format: 'der' });
}

/** The hex public key of an Ed25519 KeyObject (a certificate's), undefined for other keys. */
export function ed25519PublicHex(key: KeyObject): string | undefined {
  if (key.asymmetricKeyType !== 'ed25519') return undefined;
  const { x } = key.export({ format: 'jwk' });
  return x === undefined ? undefined : toHex(Buffer.from(x, 'base64url'));
}

export function ed25519Signer(pair: Ed25519KeyPair): Signer {
  if (!isHex(pair.seedHex, 32) || !isHex(pair.publicHex, 32)) {
    throw new PatchcastError(
      'KEY_INVALID',
      'an Ed25519 key needs a 32-byte seed and public key in hex',
    );
  }
  const privateKey = privateKeyObject(pair);
  const derived = toHex(
    Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x ?? '', 'base64url'),
  );
  if (derived !== pair.publicHex) {
    throw new PatchcastError(
      'KEY_INVALID',
      'the Ed25519 public key does not belong to the private key',
    );
  }
  const key = ed25519Key(pair.publicHex);
  return {
    keyid: keyIdOf(key),
    key,
    sign: (data) => toHex(sign(null, data, privateKey)),
  };
}

/** The raw public key, or undefined unless it is 32 bytes of lowercase hex. */
export function ed25519PublicBytes(key: TufKey): Uint8Array | undefined {
  return isHex(key.keyval.public, 32) ? fromHex(key.keyval.public) : undefined;
}

/** Verifies a pure Ed25519 signature over `data`; any malformed input simply fails. */
export function verifyEd25519(key: TufKey, signatureHex: string, data: Uint8Array): boolean {
  if (ed25519PublicBytes(key) === undefined || !isHex(signatureHex, 64)) return false;
  try {
    return verify(null, data, publicKeyObject(key.keyval.public), fromHex(signatureHex));
  } catch {
    return false;
  }
}
