import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MerkleTree, SecurityError, openCheckpoint } from '@patchcast/core';
import { CheckpointSigner } from '../../src/features/log/checkpoint-signer.js';
import { action, newSigner, openLog, tempStore } from './log-fixture.js';

function tree(size: number, changed?: number): MerkleTree {
  const t = new MerkleTree();
  for (let i = 0; i < size; i += 1) {
    t.append(new TextEncoder().encode(i === changed ? `changed ${i}` : `entry ${i}`));
  }
  return t;
}

const refused = (code: string) => (error: unknown) =>
  error instanceof SecurityError && error.code === code;

test('the signer signs checkpoints that extend the last one it signed', () => {
  const signer = CheckpointSigner.resume(newSigner(), undefined);
  const first = signer.sign(tree(10));
  const second = signer.sign(tree(17));
  assert.equal(openCheckpoint(first, signer.identity).checkpoint.size, 10);
  assert.deepEqual(openCheckpoint(second, signer.identity).checkpoint.rootHash, tree(17).root());
  assert.equal(signer.sign(tree(17)).startsWith(`${signer.identity.origin}\n17\n`), true);
});

test('the signer refuses a tree that rewrites, or drops, what it signed', () => {
  const key = newSigner();
  const signer = CheckpointSigner.resume(key, undefined);
  const note = signer.sign(tree(10));
  assert.throws(() => signer.sign(tree(12, 3)), refused('SECURITY_PROOF_INVALID'));
  assert.throws(() => signer.sign(tree(10, 9)), refused('SECURITY_PROOF_INVALID'));
  assert.throws(() => signer.sign(tree(9)), refused('SECURITY_PROOF_INVALID'));
  const resumed = CheckpointSigner.resume(key, note);
  assert.throws(() => resumed.sign(tree(11, 0)), refused('SECURITY_PROOF_INVALID'));
  assert.doesNotThrow(() => resumed.sign(tree(11)));
});

test('the signer refuses to resume after a checkpoint signed by another key', () => {
  const other = CheckpointSigner.resume(newSigner(), undefined).sign(tree(3));
  assert.throws(
    () => CheckpointSigner.resume(newSigner(), other),
    refused('SECURITY_SIGNATURE_INVALID'),
  );
});

test('a log whose stored entries no longer match its last checkpoint does not open', async () => {
  const store = tempStore();
  const signer = newSigner();
  const log = await openLog(store.log, { signer });
  await Promise.all([0, 1, 2, 3].map((i) => log.append(action(i))));
  await log.close();
  const entries = await store.log.entries(0, 4);
  const swapped = [entries[0], entries[2], entries[1], entries[3]].map((e, index) => ({
    ...(e as (typeof entries)[number]),
    index,
  }));
  const other = tempStore();
  await other.log.append(swapped, (await store.log.latestCheckpoint()) ?? { size: 0, note: '' });
  await assert.rejects(openLog(other.log, { signer }), (error: Error) => {
    assert.ok(refused('SECURITY_PROOF_INVALID')(error));
    assert.match(error.message, /transparency log: the stored log does not verify/);
    return true;
  });
  await assert.rejects(openLog(store.log), refused('SECURITY_SIGNATURE_INVALID'), 'key swapped');
  assert.equal((await openLog(store.log, { signer })).checkpoint.size, 4, 'the original opens');
  await Promise.all([store.close(), other.close()]);
});
