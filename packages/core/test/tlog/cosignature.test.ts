import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PatchcastError, SecurityError } from '../../src/errors.js';
import {
  NOTE_ALG_COSIGNATURE_V1,
  addSignatures,
  cosignatureTimestamp,
  cosignedMessage,
  ed25519CosignatureVerifier,
  ed25519Cosigner,
  formatAddCheckpoint,
  formatCosignatureLines,
  formatNote,
  generateCosignerKeys,
  openNote,
  parseAddCheckpoint,
  parseCheckpoint,
  parseCosignatureLines,
  parseCosignatureVerifierKey,
  parseCosignerKey,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  requireCosignatures,
  verifyCosignatures,
} from '../../src/tlog/index.js';
import { PETER_SIGNER_KEY } from './note-fixtures.js';
import {
  ADD_CHECKPOINT_BODY,
  ADD_CHECKPOINT_RESPONSE,
  COSIGNED_CHECKPOINT,
  COSIGNED_MESSAGE,
  SPEC_SIGNED_NOTE,
  SPEC_VERIFIER_KEY,
} from './witness-fixtures.js';

/** The seed of golang.org/x/mod/sumdb/note's PeterNeumann key, reused as a witness key. */
const SEED = new Uint8Array(
  Buffer.from(PETER_SIGNER_KEY.split('+').slice(4).join('+'), 'base64'),
).slice(1);
const TEXT =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

test('C2SP signed-note example: the spec vkey verifies the spec note', () => {
  const verifier = parseVerifierKey(SPEC_VERIFIER_KEY);
  assert.equal(verifier.keyId, 0x530d903a);
  assert.equal(openNote(SPEC_SIGNED_NOTE, [verifier]).text, 'This is an example message.\n');
});

test('C2SP tlog-cosignature example: key ID, timestamp and signed message bytes', () => {
  const note = parseNote(COSIGNED_CHECKPOINT);
  const cosignature = note.signatures[1];
  assert.equal(cosignature?.name, 'witness.example.com/w1');
  assert.equal(cosignature.keyId, 0x8d66cf3f);
  assert.equal(cosignature.signature.length, 8 + 64);
  assert.equal(cosignatureTimestamp(cosignature.signature), 1679315147);
  assert.equal(new TextDecoder().decode(cosignedMessage(note.text, 1679315147)), COSIGNED_MESSAGE);
});

test('key IDs use signature type 0x04 (SHA-256(name || 0x0A || 0x04 || key)[:4]) and vkeys round-trip', () => {
  const cosigner = ed25519Cosigner('witness.example.com/w1', SEED);
  const publicKey = parseSignerKey(PETER_SIGNER_KEY);
  const raw = Buffer.from(cosigner.verifierKey.split('+').slice(2).join('+'), 'base64');
  assert.equal(raw[0], NOTE_ALG_COSIGNATURE_V1);
  const expected = createHash('sha256')
    .update(Buffer.concat([Buffer.from('witness.example.com/w1\n'), raw]))
    .digest()
    .readUInt32BE(0);
  assert.equal(cosigner.keyId, expected);
  assert.notEqual(
    cosigner.keyId,
    publicKey.keyId,
    'the same key as a type 0x01 note key has another ID',
  );
  const verifier = parseCosignatureVerifierKey(cosigner.verifierKey);
  assert.equal(verifier.keyId, cosigner.keyId);
  const keys = generateCosignerKeys('w2.example');
  assert.equal(parseCosignerKey(keys.signerKey).verifierKey, keys.verifierKey);
  assert.throws(() => parseCosignatureVerifierKey(publicKey.name), PatchcastError);
  assert.throws(() => parseCosignerKey(PETER_SIGNER_KEY), /type 0x04/);
  assert.throws(() => parseSignerKey(keys.signerKey), /type 0x01/);
});

test('a cosignature is timestamp || Ed25519(cosignature/v1 message), checked byte for byte', () => {
  const cosigner = ed25519Cosigner('witness.example.com/w1', SEED);
  const verifier = ed25519CosignatureVerifier('witness.example.com/w1', parseSignerKeyPublic());
  const sig = cosigner.cosign(TEXT, 1679315147);
  assert.equal(Buffer.from(sig.signature.subarray(0, 8)).toString('hex'), '00000000641850cb');
  assert.equal(verifier.verify(TEXT, sig), 1679315147);
  const tampered = new Uint8Array(sig.signature);
  tampered[7] = (tampered[7] ?? 0) ^ 1;
  assert.equal(verifier.verify(TEXT, { ...sig, signature: tampered }), undefined, 'timestamp');
  assert.equal(verifier.verify(TEXT.replace('20852163', '20852164'), sig), undefined, 'text');
  assert.equal(verifier.verify(TEXT, { ...sig, keyId: sig.keyId ^ 1 }), undefined, 'key ID');
  assert.equal(
    verifier.verify(TEXT, { ...sig, signature: sig.signature.subarray(0, 71) }),
    undefined,
  );
  const huge = new Uint8Array(sig.signature);
  huge[0] = 0x80;
  assert.equal(cosignatureTimestamp(huge), undefined, 'above 2^63 - 1');
  assert.throws(() => cosignedMessage(TEXT, -1), PatchcastError);
});

test('requireCosignatures: a threshold of distinct trusted witnesses; unknown lines ignored', () => {
  const w1 = ed25519Cosigner('w1.example', SEED);
  const w2 = ed25519Cosigner('w2.example', new Uint8Array(32).fill(7));
  const stranger = ed25519Cosigner('stranger.example', new Uint8Array(32).fill(9));
  const witnesses = [w1, w2].map((w) => parseCosignatureVerifierKey(w.verifierKey));
  const one = [w1.cosign(TEXT, 10), w1.cosign(TEXT, 11), stranger.cosign(TEXT, 12)];
  assert.equal(verifyCosignatures(TEXT, one, witnesses).length, 1);
  assert.deepEqual(
    requireCosignatures(TEXT, one, { witnesses, threshold: 1 }).map((c) => c.timestamp),
    [10],
  );
  assert.throws(
    () => requireCosignatures(TEXT, one, { witnesses, threshold: 2 }),
    (e: unknown) => e instanceof SecurityError && e.code === 'SECURITY_WITNESS_MISSING',
  );
  assert.equal(
    requireCosignatures(TEXT, [...one, w2.cosign(TEXT, 13)], { witnesses, threshold: 2 }).length,
    2,
  );
  const forged = { ...w2.cosign(TEXT, 13), signature: new Uint8Array(72) };
  assert.throws(
    () => requireCosignatures(TEXT, [forged], { witnesses, threshold: 1 }),
    (e: unknown) => e instanceof SecurityError && e.code === 'SECURITY_SIGNATURE_INVALID',
  );
});

test('C2SP tlog-witness example: the add-checkpoint body parses and formats back byte for byte', () => {
  const request = parseAddCheckpoint(ADD_CHECKPOINT_BODY);
  assert.equal(request.oldSize, 20852014);
  assert.equal(request.proof.length, 4);
  assert.equal(parseCheckpoint(parseNote(request.checkpoint).text).size, 20852163);
  assert.equal(formatAddCheckpoint(request), ADD_CHECKPOINT_BODY);
  const lines = parseCosignatureLines(request.checkpoint, ADD_CHECKPOINT_RESPONSE);
  assert.deepEqual(
    lines.map((l) => l.name),
    ['witness.example/w1', 'witness.example/w1', 'witness.example/w2'],
  );
  for (const bad of [
    ADD_CHECKPOINT_BODY.replace('old 20852014', 'old 020852014'),
    ADD_CHECKPOINT_BODY.replace('old 20852014', 'size 20852014'),
    ADD_CHECKPOINT_BODY.replace('PlRNCrwHpqhG', 'PlRNCrwHpqh'),
    `old 1\n${'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n'.repeat(64)}\n${request.checkpoint}`,
    'old 1\n',
  ]) {
    assert.throws(() => parseAddCheckpoint(bad), SecurityError, bad.slice(0, 20));
  }
});

test('a response is read by appending it to the note; cosignatures append after the log signature', () => {
  const w1 = ed25519Cosigner('w1.example', SEED);
  const note = parseNote(COSIGNED_CHECKPOINT);
  const logOnly = formatNote({ text: note.text, signatures: note.signatures.slice(0, 1) });
  const sig = w1.cosign(note.text, 99);
  const body = formatCosignatureLines(note.text, [sig]);
  assert.match(body, /^\u2014 w1\.example \S+\n$/);
  assert.deepEqual(parseCosignatureLines(logOnly, body), [sig]);
  const cosigned = addSignatures(logOnly, [sig]);
  assert.equal(cosigned, `${logOnly}${body}`);
  assert.throws(() => parseCosignatureLines(logOnly, 'not a signature\n'), SecurityError);
});

function parseSignerKeyPublic(): Uint8Array {
  const cosigner = ed25519Cosigner('x', SEED);
  return new Uint8Array(
    Buffer.from(cosigner.verifierKey.split('+').slice(2).join('+'), 'base64'),
  ).subarray(1);
}
