/** Key file contents: v2 hybrid and Ed25519 files, encryption, v1 compatibility, bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalBytes, generateKeyPairSet, verifySignature } from '@patchcast/core';
import {
  PRIVATE_KEY_FORMAT_V2,
  generateKeyFileText,
  keyFileTextOf,
  parseKeyFileText,
  parsePublicKeyFileText,
} from '../../src/index.js';

type Json = Record<string, unknown>;
/** Fast scrypt for tests (16 MiB); written files default to 2^17. */
const FAST = { scryptLog2N: 14 };
const refused = (pattern: RegExp) => ({ code: 'KEY_INVALID', message: pattern });

function edit(text: string, change: (file: Json & { encrypted: Json }) => void): string {
  const file = JSON.parse(text) as Json & { encrypted: Json };
  change(file);
  return JSON.stringify(file);
}

test('a new key file is hybrid by default: Ed25519 and ML-DSA-65 signers that verify', () => {
  const file = parseKeyFileText(generateKeyFileText(), 'k');
  assert.equal(file.type, 'hybrid');
  assert.equal(file.encrypted, false);
  assert.deepEqual(
    file.signers.map((s) => s.key.keytype),
    ['ed25519', 'ml-dsa'],
  );
  assert.deepEqual(
    file.publicKeys,
    file.signers.map((s) => s.key),
  );
  const data = canonicalBytes({ x: 1 });
  for (const signer of file.signers)
    assert.ok(verifySignature(signer.key, signer.sign(data), data));
});

test('an ed25519 key file holds one key', () => {
  const text = generateKeyFileText({ type: 'ed25519' });
  const file = parseKeyFileText(text, 'k');
  assert.equal(file.type, 'ed25519');
  assert.equal(file.signers.length, 1);
  assert.equal((JSON.parse(text) as Json).format, PRIVATE_KEY_FORMAT_V2);
});

test('encrypted: round trip; no seed appears in the file; the public keys stay readable', () => {
  const set = generateKeyPairSet();
  const text = keyFileTextOf(set, { passphrase: 'correct horse', ...FAST });
  assert.doesNotMatch(text, new RegExp(set.ed25519.seedHex));
  assert.doesNotMatch(text, new RegExp(set.mlDsa65?.seedHex ?? 'x'));
  const file = parseKeyFileText(text, 'k', { passphrase: 'correct horse' });
  assert.equal(file.encrypted, true);
  assert.deepEqual(file.publicKeys, parseKeyFileText(keyFileTextOf(set), 'k').publicKeys);
  const header = (JSON.parse(text) as { encrypted: { kdf: Json; cipher: Json } }).encrypted;
  assert.equal(header.kdf.name, 'scrypt');
  assert.equal(header.cipher.name, 'aes-256-gcm');
});

test('encrypted: a missing or wrong passphrase is a clear KEY_INVALID', () => {
  const text = generateKeyFileText({ passphrase: 'right', ...FAST });
  assert.throws(() => parseKeyFileText(text, 'k.key'), refused(/k\.key: is encrypted/));
  assert.throws(() => parseKeyFileText(text, 'k.key', { passphrase: '' }), refused(/is encrypted/));
  assert.throws(
    () => parseKeyFileText(text, 'k.key', { passphrase: 'wrong' }),
    refused(/wrong passphrase, or the file was changed/),
  );
});

test('encrypted: the passphrase is compared after Unicode NFC normalization', () => {
  const text = generateKeyFileText({ passphrase: 'caf\u00e9', ...FAST });
  assert.equal(parseKeyFileText(text, 'k', { passphrase: 'cafe\u0301' }).encrypted, true);
});

test('encrypted: tampered ciphertext, header or public keys fail like a wrong passphrase', () => {
  const text = generateKeyFileText({ passphrase: 'pw', ...FAST });
  const other = JSON.parse(generateKeyFileText()) as Json;
  const tampered = [
    edit(text, (f) => {
      const ct = Buffer.from(f.encrypted.ciphertext as string, 'base64');
      ct[5] = (ct[5] ?? 0) ^ 1;
      f.encrypted.ciphertext = ct.toString('base64');
    }),
    edit(
      text,
      (f) => void (f.encrypted.cipher = { name: 'aes-256-gcm', nonce: 'AAAAAAAAAAAAAAAA' }),
    ),
    edit(text, (f) => void ((f.encrypted.kdf as Json).log2N = 15)),
    edit(text, (f) => void (f.keys = other.keys)),
  ];
  for (const bad of tampered) {
    assert.throws(
      () => parseKeyFileText(bad, 'k', { passphrase: 'pw' }),
      refused(/wrong passphrase/),
    );
  }
});

test('encrypted: scrypt parameters outside the accepted range are refused before deriving', () => {
  const text = generateKeyFileText({ passphrase: 'pw', ...FAST });
  for (const log2N of [10, 30]) {
    const bad = edit(text, (f) => void ((f.encrypted.kdf as Json).log2N = log2N));
    assert.throws(() => parseKeyFileText(bad, 'k', { passphrase: 'pw' }), refused(/log2N/));
  }
});

test('corrupt files: truncated, not JSON, too large, unknown format', () => {
  const text = generateKeyFileText();
  assert.throws(() => parseKeyFileText(text.slice(0, text.length / 2), 'k'), refused(/not JSON/));
  assert.throws(() => parseKeyFileText('', 'k'), refused(/not JSON/));
  assert.throws(() => parseKeyFileText(' '.repeat(70_000), 'k'), refused(/too large/));
  assert.throws(
    () => parseKeyFileText('{"format":"pem"}', 'k'),
    refused(/not a Patchcast private key/),
  );
  assert.throws(() => parseKeyFileText('[]', 'k'), refused(/not a Patchcast private key/));
});

test('wrong key type: a public key file, a type that does not match its keys', () => {
  const pub = JSON.stringify({ format: 'patchcast-public-key/v1', keys: [] });
  assert.throws(() => parseKeyFileText(pub, 'k.pub'), refused(/is a public key file/));
  const hybrid = generateKeyFileText();
  const mislabelled = edit(hybrid, (f) => void (f.type = 'ed25519'));
  assert.throws(
    () => parseKeyFileText(mislabelled, 'k'),
    refused(/ed25519 key file holds ed25519 keys, not/),
  );
  const swapped = edit(hybrid, (f) => void (f.keys = [...(f.keys as unknown[])].reverse()));
  assert.throws(() => parseKeyFileText(swapped, 'k'), refused(/hybrid key file holds/));
  const both = edit(hybrid, (f) => void (f.encrypted = { kdf: {} }));
  assert.throws(() => parseKeyFileText(both, 'k'), refused(/not a valid/));
});

test('a private key that does not belong to its public key is refused', () => {
  const [a, b] = [
    JSON.parse(generateKeyFileText()) as Json,
    JSON.parse(generateKeyFileText()) as Json,
  ];
  const mixed = JSON.stringify({
    ...a,
    private: { ...(a.private as Json), 'ml-dsa-65': (b.private as Json)['ml-dsa-65'] },
  });
  assert.throws(
    () => parseKeyFileText(mixed, 'k'),
    refused(/ML-DSA-65 public key does not belong/),
  );
});

test('version 1 files (Ed25519 only) are still read', () => {
  const set = generateKeyPairSet('ed25519');
  const v1 = JSON.stringify({
    format: 'patchcast-private-key/v1',
    keys: [
      {
        keytype: 'ed25519',
        scheme: 'ed25519',
        public: set.ed25519.publicHex,
        private: set.ed25519.seedHex,
      },
    ],
  });
  const file = parseKeyFileText(v1, 'old.key');
  assert.equal(file.type, 'ed25519');
  assert.equal(file.signers[0]?.key.keyval.public, set.ed25519.publicHex);
});

test('public key files list both keys and refuse keys that cannot verify', () => {
  const file = parseKeyFileText(generateKeyFileText(), 'k');
  const text = JSON.stringify({ format: 'patchcast-public-key/v1', keys: file.publicKeys });
  assert.deepEqual(parsePublicKeyFileText(text, 'k.pub'), file.publicKeys);
  const bad = JSON.stringify({
    format: 'patchcast-public-key/v1',
    keys: [{ keytype: 'ml-dsa', scheme: 'ml-dsa-65/1', keyval: { public: 'nope' } }],
  });
  assert.throws(() => parsePublicKeyFileText(bad, 'k.pub'), refused(/unusable ml-dsa/));
});
