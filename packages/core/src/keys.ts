import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { canonicalize } from './canonical-json.js';
import { fromHex, isHex, sha256Hex, toHex } from './bytes.js';
import { PatchcastError } from './errors.js';

/** A public key as TUF metadata carries it (spec §4.2, "KEY"). */
export interface TufKey {
  readonly keytype: 'ed25519';
  readonly scheme: 'ed25519';
  readonly keyval: { readonly public: string };
}

/** Something that can sign on behalf of one key id. Private material never leaves it. */
export interface Signer {
  readonly keyid: string;
  readonly key: TufKey;
  sign(data: Uint8Array): string;
}

/** The key id TUF assigns: SHA-256 of the canonical JSON of the public key object. */
export function keyIdOf(key: TufKey): string {
  return sha256Hex(canonicalize(key));
}

export function ed25519Key(publicHex: string): TufKey {
  return { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: publicHex } };
}

export interface Ed25519KeyPair {
  readonly publicHex: string;
  readonly seedHex: string;
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

/** Verifies one signature; any malformed input simply fails verification. */
export function verifySignature(key: TufKey, signatureHex: string, data: Uint8Array): boolean {
  if (key.keytype !== 'ed25519' || key.scheme !== 'ed25519') return false;
  if (!isHex(key.keyval.public, 32) || !isHex(signatureHex, 64)) return false;
  try {
    return verify(null, data, publicKeyObject(key.keyval.public), fromHex(signatureHex));
  } catch {
    return false;
  }
}
