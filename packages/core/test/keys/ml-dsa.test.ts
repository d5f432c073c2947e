/** ML-DSA-65 keys as TUF carries them (TAP 21): round trips, tampering, malformed input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  canonicalBytes,
  fromHex,
  generateMlDsa65,
  mlDsa65Key,
  mlDsa65PublicKeyFromPem,
  mlDsa65PublicKeyPem,
  mlDsa65Signer,
  tap21Message,
  toHex,
  verifySignature,
} from '../../src/index.js';
import type { TufKey } from '../../src/index.js';

const SEED = fromHex('42'.repeat(32));
const pair = generateMlDsa65(SEED);
const signer = mlDsa65Signer(pair);
const data = canonicalBytes({ _type: 'targets', version: 3 });
const signature = signer.sign(data);

function flipHex(hex: string, at: number): string {
  const flipped = (parseInt(hex.slice(at, at + 2), 16) ^ 0x01).toString(16).padStart(2, '0');
  return `${hex.slice(0, at)}${flipped}${hex.slice(at + 2)}`;
}

test('ML-DSA-65: keygen from a seed is deterministic; new keys differ', () => {
  assert.deepEqual(generateMlDsa65(SEED), pair);
  assert.notEqual(generateMlDsa65().publicPem, pair.publicPem);
  assert.deepEqual(signer.key, {
    keytype: 'ml-dsa',
    scheme: 'ml-dsa-65/1',
    keyval: { public: pair.publicPem },
  });
  assert.match(signer.keyid, /^[0-9a-f]{64}$/);
});

test('ML-DSA-65: sign then verify; hedged signing gives a new signature each time', () => {
  assert.equal(signature.length, 3309 * 2);
  assert.equal(verifySignature(signer.key, signature, data), true);
  const again = signer.sign(data);
  assert.notEqual(again, signature);
  assert.equal(verifySignature(signer.key, again, data), true);
});

test('ML-DSA-65: a changed message, signature or key fails', () => {
  const other = mlDsa65Signer(generateMlDsa65(fromHex('43'.repeat(32))));
  assert.equal(
    verifySignature(signer.key, signature, canonicalBytes({ _type: 'targets', version: 4 })),
    false,
  );
  for (const at of [0, 2000, signature.length - 2]) {
    assert.equal(
      verifySignature(signer.key, flipHex(signature, at), data),
      false,
      `byte ${at / 2}`,
    );
  }
  assert.equal(verifySignature(other.key, signature, data), false);
  const publicKey = mlDsa65PublicKeyFromPem(pair.publicPem);
  assert.ok(publicKey);
  publicKey[100] = (publicKey[100] ?? 0) ^ 0x01;
  assert.equal(verifySignature(mlDsa65Key(mlDsa65PublicKeyPem(publicKey)), signature, data), false);
});

test('ML-DSA-65: malformed signatures and keys fail without throwing', () => {
  for (const sig of ['', 'zz', signature.toUpperCase(), signature.slice(2), `${signature}00`]) {
    assert.equal(verifySignature(signer.key, sig, data), false);
  }
  const badKeys: TufKey[] = [
    { ...signer.key, scheme: 'ml-dsa-65/2' },
    { ...signer.key, scheme: 'ml-dsa-87/1' },
    { ...signer.key, keytype: 'mldsa' },
    mlDsa65Key(pair.publicPem.replace('PUBLIC KEY', 'PRIVATE KEY')),
    mlDsa65Key(pair.publicPem.replace('MIIH', 'MIIG')),
    mlDsa65Key('not a pem'),
  ];
  for (const key of badKeys) assert.equal(verifySignature(key, signature, data), false);
});

test('ML-DSA-65: the signer refuses a public key that is not its own', () => {
  const other = generateMlDsa65();
  assert.throws(() => mlDsa65Signer({ ...pair, publicPem: other.publicPem }), {
    code: 'KEY_INVALID',
  });
  assert.throws(() => mlDsa65Signer({ ...pair, seedHex: 'ab' }), { code: 'KEY_INVALID' });
});

test('TAP 21 v1: the signed bytes are "tuf" 0x01 SHA-512(canonical JSON)', () => {
  const message = tap21Message(data);
  assert.equal(toHex(message.subarray(0, 4)), '74756601');
  assert.equal(toHex(message.subarray(4)), createHash('sha512').update(data).digest('hex'));
  assert.equal(message.length, 68);
});

test('RFC 9881 PEM: round trip; CRLF and a missing final newline accepted; other DER refused', () => {
  const raw = mlDsa65PublicKeyFromPem(pair.publicPem);
  assert.ok(raw);
  assert.equal(mlDsa65PublicKeyPem(raw), pair.publicPem);
  assert.deepEqual(
    mlDsa65PublicKeyFromPem(pair.publicPem.replace(/\n/g, '\r\n').replace(/\r\n$/, '')),
    raw,
  );
  assert.deepEqual(mlDsa65PublicKeyFromPem(pair.publicPem.trimEnd()), raw);
  const der = Buffer.concat([fromHex('308207b2300b0609608648016503040311038207a100'), raw]);
  const mlDsa44Oid = `-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`;
  assert.equal(mlDsa65PublicKeyFromPem(mlDsa44Oid), undefined);
  assert.equal(mlDsa65PublicKeyFromPem(pair.publicPem.replace(/A/, '*')), undefined);
  assert.throws(() => mlDsa65PublicKeyPem(raw.subarray(1)), TypeError);
});

test('ML-DSA-65 property: any message round-trips; any other message fails', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 300 }),
      fc.uint8Array({ minLength: 1, maxLength: 8 }),
      (message, suffix) => {
        const sig = signer.sign(message);
        const other = new Uint8Array([...message, ...suffix]);
        return (
          verifySignature(signer.key, sig, message) && !verifySignature(signer.key, sig, other)
        );
      },
    ),
    { numRuns: 15 },
  );
});
