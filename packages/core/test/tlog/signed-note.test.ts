import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PatchcastError, SecurityError } from '../../src/errors.js';
import {
  NOTE_MAX_BYTES,
  ed25519NoteSigner,
  formatNote,
  generateNoteKeys,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from '../../src/tlog/index.js';
import {
  ENOCH_SIG,
  ENOCH_VERIFIER_KEY,
  PETER_SIG,
  PETER_SIGNER_KEY,
  PETER_VERIFIER_KEY,
  TEXT,
} from './note-fixtures.js';

const peter = parseVerifierKey(PETER_VERIFIER_KEY);
const enoch = parseVerifierKey(ENOCH_VERIFIER_KEY);
const NOTE = `${TEXT}\n${PETER_SIG}`;

function rejected(message: string | Uint8Array, code: string): void {
  assert.throws(
    () => openNote(message, [peter]),
    (error) => error instanceof SecurityError && error.code === code,
  );
}

const malformed = (message: string | Uint8Array): void =>
  rejected(message, 'SECURITY_METADATA_MALFORMED');
const unsigned = (message: string | Uint8Array): void =>
  rejected(message, 'SECURITY_SIGNATURE_INVALID');

test('the Go reference keys, key IDs and signature are reproduced byte for byte', () => {
  assert.equal(peter.name, 'PeterNeumann');
  assert.equal(peter.keyId, 0xc74f20a3);
  const signer = parseSignerKey(PETER_SIGNER_KEY);
  assert.equal(signer.verifierKey, PETER_VERIFIER_KEY);
  assert.equal(signNote(TEXT, [signer]), NOTE);
  assert.equal(peter.verifierKey, PETER_VERIFIER_KEY);
});

test('the Go reference notes open with the right signatures verified or ignored', () => {
  const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
  const one = openNote(both, [peter]);
  assert.equal(one.text, TEXT);
  assert.deepEqual(
    [one.verified.map((s) => s.name), one.unverified.map((s) => s.name)],
    [['PeterNeumann'], ['EnochRoot']],
  );
  const two = openNote(new TextEncoder().encode(both), [peter, enoch]);
  assert.deepEqual(
    two.verified.map((s) => s.keyId),
    [0xc74f20a3, 0xaf0cfe78],
  );
  assert.throws(() => openNote(both, []), SecurityError);
});

test('the Go reference malformed notes are refused', () => {
  for (const message of [
    TEXT,
    `${TEXT}\n`,
    `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
    `\u0001${TEXT}\n${PETER_SIG}`,
    `${TEXT}\n\u2014 Bad Name ${PETER_SIG.split(' ')[2]}`,
    `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
  ]) {
    malformed(message);
  }
  const bytes = new TextEncoder().encode(NOTE);
  malformed(Uint8Array.of(0xff, ...bytes));
});

test('every truncation or single-byte change of a verifier key is refused', () => {
  const bytes = [...PETER_VERIFIER_KEY];
  const keyError = (key: string): void => {
    assert.throws(
      () => parseVerifierKey(key),
      (e) => e instanceof PatchcastError && e.code === 'KEY_INVALID',
      key,
    );
  };
  for (let i = 0; i <= bytes.length; i += 1) {
    for (let j = i + 1; j <= bytes.length; j += 1) {
      if (i !== 0 || j !== bytes.length) keyError(bytes.slice(i, j).join(''));
    }
  }
  for (let i = 0; i < bytes.length; i += 1) {
    const changed = [...bytes];
    changed[i] = String.fromCharCode((changed[i] as string).charCodeAt(0) + 1);
    keyError(changed.join(''));
  }
  keyError('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==');
  keyError('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
});

test('a signature by a different key is refused, whatever name or key ID it claims', () => {
  const impostor = ed25519NoteSigner('PeterNeumann', new Uint8Array(32).fill(9));
  unsigned(signNote(TEXT, [impostor]));
  const forged = signNote(TEXT, [{ ...impostor, keyId: peter.keyId }]);
  assert.ok(forged.includes('PeterNeumann x08go'), 'key ID collides with the trusted key');
  unsigned(forged);
  unsigned(`${TEXT}\n${PETER_SIG}${forged.slice(TEXT.length + 1)}`);
  unsigned(NOTE.replace('cryptography', 'cryptographY'));
});

test('whitespace, line-ending and encoding variations are refused', () => {
  const sig = PETER_SIG.slice('\u2014 PeterNeumann '.length, -1);
  for (const message of [
    `${TEXT}\n\u2014  PeterNeumann ${sig}\n`,
    `${TEXT}\n\u2014 PeterNeumann  ${sig}\n`,
    `${TEXT}\n\u2014 PeterNeumann ${sig} \n`,
    `${TEXT}\n \u2014 PeterNeumann ${sig}\n`,
    `${TEXT}\n- PeterNeumann ${sig}\n`,
    `${TEXT}\n\u2014 PeterNeumann ${sig}\n\n`,
    `${TEXT}\r\n\u2014 PeterNeumann ${sig}\r\n`.replace(/\n/g, '\r\n'),
    `${TEXT}\n\u2014 PeterNeumann ${sig.replace('=', '')}\n`,
    `${TEXT}\n\u2014 PeterNeumann ${sig.replace('AM=', 'AN=')}\n`,
    `${TEXT}\n\u2014 PeterNeumann ${sig.replace('/', '_')}\n`,
    `${TEXT}\n\u2014 PeterNeumann ${sig.slice(0, 20)} ${sig.slice(20)}\n`,
    `${TEXT}\n\u2014 PeterNeumann AAAA\n`,
    `${TEXT}\n\u2014 PeterNeumann\n`,
    `${TEXT}\n\u2014 ${sig}\n`,
    `${TEXT.slice(0, 10)}\uD800${TEXT.slice(10)}\n${PETER_SIG}`,
  ]) {
    malformed(message);
  }
  malformed(NOTE.replace('\n\n', '\n \n'));
  unsigned(` ${NOTE}`);
  unsigned(NOTE.replace('problem,\n', 'problem, \n'));
});

test('duplicate signatures, too many signatures and oversized notes are refused', () => {
  malformed(`${TEXT}\n${PETER_SIG}${PETER_SIG}`);
  malformed(`${TEXT}\n${PETER_SIG}${ENOCH_SIG.repeat(100)}`);
  malformed(`${'x'.repeat(NOTE_MAX_BYTES)}\n\n${PETER_SIG}`);
  malformed(new Uint8Array(NOTE_MAX_BYTES + 1));
  assert.equal(
    openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}`, [peter]).verified.length,
    1,
  );
  const peterSigBytes = Buffer.from(PETER_SIG.split(' ')[2] as string, 'base64');
  const short = Buffer.concat([peterSigBytes.subarray(0, 4), peterSigBytes.subarray(5)]);
  unsigned(`${TEXT}\n\u2014 PeterNeumann ${short.toString('base64')}\n`);
});

test('ambiguous trusted keys are a configuration error', () => {
  assert.throws(
    () => openNote(NOTE, [peter, parseVerifierKey(PETER_VERIFIER_KEY)]),
    (e) => e instanceof PatchcastError && e.code === 'KEY_INVALID',
  );
});

test('signing refuses bad text, duplicate signers and bad key names', () => {
  const signer = parseSignerKey(PETER_SIGNER_KEY);
  const usage = (run: () => unknown, code = 'INVALID_INPUT'): void => {
    assert.throws(run, (e) => e instanceof PatchcastError && e.code === code);
  };
  usage(() => signNote('no newline', [signer]));
  usage(() => signNote('tab\there\n', [signer]));
  usage(() => signNote(TEXT, []));
  usage(() => signNote(TEXT, [signer, signer]));
  for (const name of ['', 'a b', 'a+b', 'a\u00a0b', 'a\nb']) {
    usage(() => ed25519NoteSigner(name, new Uint8Array(32)), 'KEY_INVALID');
  }
  usage(() => ed25519NoteSigner('ok', new Uint8Array(31)), 'KEY_INVALID');
  usage(() => parseSignerKey(PETER_SIGNER_KEY.replace('c74f20a3', 'c74f20a4')), 'KEY_INVALID');
  usage(() => parseSignerKey(PETER_VERIFIER_KEY), 'KEY_INVALID');
});

const line = fc
  .string({ unit: 'grapheme', maxLength: 40 })
  .map((s) => [...s].filter((c) => (c.codePointAt(0) ?? 0) >= 0x20).join(''));

test('notes round-trip: sign, parse, format and open with generated keys', () => {
  const names = ['log.example/a', 'witness.example/b', 'w\u00e9\u00ef'];
  const keys = names.map(generateNoteKeys);
  const signers = keys.map((k) => parseSignerKey(k.signerKey));
  const verifiers = keys.map((k) => parseVerifierKey(k.verifierKey));
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), fc.nat(2), (lines, n) => {
      const text = `${lines.join('\n')}\n`;
      const message = signNote(text, signers.slice(0, n + 1));
      assert.equal(formatNote(parseNote(message)), message);
      const opened = openNote(message, verifiers);
      assert.equal(opened.text, text);
      assert.equal(opened.verified.length, n + 1);
      assert.equal(openNote(message, verifiers.slice(0, 1)).unverified.length, n);
    }),
    { numRuns: 50 },
  );
});
