import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SecurityError, parseVerifierKey } from '@patchcast/core';
import type { LogIdentity } from '@patchcast/core';
import { verifyPublication } from '../../src/log/verify-publication.js';
import { FakeLog, filler, published, target } from './fake-log.js';

const ref = { name: 'fix', version: '1' };
const file = target('bundle bytes');

function identityOf(log: FakeLog): LogIdentity {
  const verifier = parseVerifierKey(log.verifierKeyText);
  return { origin: verifier.name, verifiers: [verifier] };
}

const refused = (code: string, pattern?: RegExp) => (error: unknown) => {
  assert.ok(error instanceof SecurityError, String(error));
  assert.equal(error.code, code);
  if (pattern !== undefined) assert.match(error.message, pattern);
  return true;
};

test('a publication proven in the log for exactly this target verifies', () => {
  const log = new FakeLog().add(filler(0), published(ref, file), filler(1), filler(2));
  const verified = verifyPublication({
    ref,
    target: file,
    publication: log.proofOf(1),
    log: identityOf(log),
  });
  assert.equal(verified.index, 1);
  assert.equal(verified.checkpoint.size, 4);
});

test('a publication of other bytes, another patch, or another kind of entry is refused', () => {
  const log = new FakeLog().add(published(ref, target('other bytes')), filler(0));
  const claim = (index: number) => ({ ref, target: file, publication: log.proofOf(index) });
  const identity = identityOf(log);
  assert.throws(
    () => verifyPublication({ ...claim(0), log: identity }),
    refused('SECURITY_PROOF_INVALID', /length|sha256/),
  );
  assert.throws(
    () => verifyPublication({ ...claim(1), log: identity }),
    refused('SECURITY_PROOF_INVALID', /not the publication/),
  );
  const other = { ...claim(0), ref: { name: 'fix', version: '2' }, log: identity };
  assert.throws(() => verifyPublication(other), refused('SECURITY_PROOF_INVALID', /version/));
});

test('an altered entry, a foreign key or another origin is refused', () => {
  const log = new FakeLog().add(filler(0), published(ref, file));
  const identity = identityOf(log);
  const altered = log.proofOf(1, new TextEncoder().encode('{"type":"patch-published"}'));
  assert.throws(
    () => verifyPublication({ ref, target: file, publication: altered, log: identity }),
    refused('SECURITY_PROOF_INVALID'),
  );
  const stranger = new FakeLog().add(filler(0), published(ref, file));
  assert.throws(
    () => verifyPublication({ ref, target: file, publication: stranger.proofOf(1), log: identity }),
    refused('SECURITY_SIGNATURE_INVALID'),
  );
  const elsewhere = { ...identity, origin: 'patchcast/another-log' };
  assert.throws(
    () => verifyPublication({ ref, target: file, publication: log.proofOf(1), log: elsewhere }),
    refused('SECURITY_CHECKPOINT_INVALID'),
  );
});
