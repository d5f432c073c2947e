/**
 * ML-DSA-65 known answers. The C2SP CCTV "accumulated" vector pins FIPS 204 key generation and
 * deterministic signing; vectors made by OpenSSL (data/make-ml-dsa-vectors.py) pin our RFC 9881
 * PEM encoding, key ids and TAP 21 pre-signing format against an independent implementation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import {
  fromHex,
  generateMlDsa65,
  keyIdOf,
  mlDsa65Key,
  mlDsa65PublicKeyFromPem,
  utf8,
  verifySignature,
} from '../../src/index.js';

interface Vector {
  readonly seed: string;
  readonly publicPem: string;
  readonly keyid: string;
  readonly message: string;
  readonly tap21Signature: string;
  readonly pureSignature: string;
}

const { vectors } = JSON.parse(
  readFileSync(new URL('../../../test/keys/data/ml-dsa-65.json', import.meta.url), 'utf8'),
) as { vectors: readonly Vector[] };

/** https://github.com/C2SP/CCTV/tree/main/ML-DSA/accumulated: ML-DSA-65, 100 iterations. */
const CCTV_ML_DSA_65_100 = '8358a1843220194417cadbc2651295cd8fc65125b5a5c1a239a16dc8b57ca199';

test('ML-DSA-65: the CCTV accumulated vector (keygen from seed, deterministic signing)', () => {
  const iterations = 100;
  const seeds = createHash('shake128', { outputLength: 32 * iterations }).digest();
  const accumulator = createHash('shake128', { outputLength: 32 });
  for (let i = 0; i < iterations; i++) {
    const { publicKey, secretKey } = ml_dsa65.keygen(seeds.subarray(32 * i, 32 * (i + 1)));
    accumulator.update(publicKey);
    accumulator.update(ml_dsa65.sign(new Uint8Array(0), secretKey, { extraEntropy: false }));
  }
  assert.equal(accumulator.digest('hex'), CCTV_ML_DSA_65_100);
});

test('ML-DSA-65: seed to PEM public key and key id match OpenSSL', () => {
  assert.equal(vectors.length, 3);
  for (const vector of vectors) {
    const pair = generateMlDsa65(fromHex(vector.seed));
    assert.equal(pair.publicPem, vector.publicPem);
    assert.equal(keyIdOf(mlDsa65Key(pair.publicPem)), vector.keyid);
  }
});

test('ML-DSA-65: TAP 21 signatures made by OpenSSL verify; changed messages do not', () => {
  for (const vector of vectors) {
    const key = mlDsa65Key(vector.publicPem);
    assert.equal(verifySignature(key, vector.tap21Signature, utf8(vector.message)), true);
    assert.equal(verifySignature(key, vector.tap21Signature, utf8(`${vector.message} `)), false);
  }
});

test('ML-DSA-65: a pure signature over the metadata is valid ML-DSA but not a TAP 21 signature', () => {
  for (const vector of vectors) {
    const publicKey = mlDsa65PublicKeyFromPem(vector.publicPem);
    assert.ok(publicKey);
    const message = utf8(vector.message);
    assert.equal(ml_dsa65.verify(fromHex(vector.pureSignature), message, publicKey), true);
    assert.equal(
      verifySignature(mlDsa65Key(vector.publicPem), vector.pureSignature, message),
      false,
    );
  }
});
