/** Hybrid key sets and the one verification entry point across key types. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalBytes,
  ed25519Key,
  generateKeyPairSet,
  keyIdOf,
  keySetTypeOf,
  mlDsa65Key,
  publicKeyIdentity,
  publicKeysOf,
  signEnvelope,
  signersOf,
  verifySignature,
} from '../../src/index.js';

const hybrid = generateKeyPairSet();
const [ed, pq] = signersOf(hybrid);
const data = canonicalBytes({ signed: 'bytes' });

test('a hybrid key set has an Ed25519 and an ML-DSA-65 key; an ed25519 set only the first', () => {
  assert.ok(ed && pq);
  assert.equal(keySetTypeOf(hybrid), 'hybrid');
  assert.deepEqual(
    publicKeysOf(hybrid).map((k) => `${k.keytype}/${k.scheme}`),
    ['ed25519/ed25519', 'ml-dsa/ml-dsa-65/1'],
  );
  assert.deepEqual([ed.key, pq.key], publicKeysOf(hybrid));
  assert.equal(ed.keyid, keyIdOf(ed.key));
  assert.equal(pq.keyid, keyIdOf(pq.key));
  const classical = generateKeyPairSet('ed25519');
  assert.equal(keySetTypeOf(classical), 'ed25519');
  assert.equal(signersOf(classical).length, 1);
});

test('a hybrid set signs with both algorithms, one signature per key id', () => {
  assert.ok(ed && pq);
  const envelope = signEnvelope({ n: 1 }, [ed, pq, ed]);
  assert.deepEqual(
    envelope.signatures.map((s) => s.keyid),
    [ed.keyid, pq.keyid],
  );
  assert.deepEqual(
    envelope.signatures.map((s) => s.sig.length),
    [128, 6618],
  );
});

test('key-type confusion: a signature verifies only under the key type that made it', () => {
  assert.ok(ed && pq);
  const [edSig, pqSig] = [ed.sign(data), pq.sign(data)];
  assert.equal(verifySignature(ed.key, edSig, data), true);
  assert.equal(verifySignature(pq.key, pqSig, data), true);
  assert.equal(verifySignature(ed.key, pqSig, data), false);
  assert.equal(verifySignature(pq.key, edSig, data), false);
  const edAsMlDsa = mlDsa65Key(ed.key.keyval.public);
  const mlDsaAsEd = ed25519Key(pq.key.keyval.public);
  assert.equal(verifySignature(edAsMlDsa, edSig, data), false);
  assert.equal(verifySignature(mlDsaAsEd, pqSig, data), false);
});

test('unknown key types parse as data but never verify', () => {
  assert.ok(ed);
  const future = { keytype: 'slh-dsa', scheme: 'slh-dsa-shake-128s/1', keyval: { public: 'ab' } };
  assert.equal(verifySignature(future, ed.sign(data), data), false);
  assert.equal(verifySignature({ ...ed.key, scheme: 'ed448' }, ed.sign(data), data), false);
  assert.equal(publicKeyIdentity(future), undefined);
});

test('publicKeyIdentity: one key, however spelled, has one identity', () => {
  assert.ok(ed && pq);
  const crlf = mlDsa65Key(pq.key.keyval.public.replace(/\n/g, '\r\n'));
  assert.notEqual(keyIdOf(crlf), pq.keyid);
  assert.equal(publicKeyIdentity(crlf), publicKeyIdentity(pq.key));
  assert.match(publicKeyIdentity(ed.key) ?? '', /^ed25519:[0-9a-f]{64}$/);
  assert.equal(publicKeyIdentity(ed25519Key(ed.key.keyval.public.toUpperCase())), undefined);
});
