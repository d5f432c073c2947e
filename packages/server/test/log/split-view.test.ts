import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MerkleTree, signCheckpoint } from '@patchcast/core';
import { checkAgentCheckpoint } from '../../src/features/log/agent-checkpoint.js';
import { action, newSigner, openLog, tempStore } from './log-fixture.js';

test('the server tells an agent checkpoint of its own history from a split view', async () => {
  const store = tempStore();
  const signer = newSigner();
  const log = await openLog(store.log, { signer });
  try {
    await Promise.all([0, 1, 2, 3, 4].map((i) => log.append(action(i))));
    const older = log.checkpoint.note;
    await log.append(action(5));
    assert.equal(checkAgentCheckpoint(log, older), undefined, 'an older checkpoint is a prefix');
    assert.equal(checkAgentCheckpoint(log, log.checkpoint.note), undefined);

    const forked = new MerkleTree();
    for (let i = 0; i < 4; i += 1) forked.append(new TextEncoder().encode(`fork ${i}`));
    const fork = signCheckpoint(
      { origin: log.identity.origin, size: 4, rootHash: forked.root(), extensions: [] },
      [signer],
    );
    assert.equal(checkAgentCheckpoint(log, fork)?.kind, 'split-view');
    const ahead = signCheckpoint(
      { origin: log.identity.origin, size: 99, rootHash: forked.root(), extensions: [] },
      [signer],
    );
    assert.match(checkAgentCheckpoint(log, ahead)?.detail ?? '', /size 99; this log has 6/);
    const stranger = signCheckpoint(
      { origin: log.identity.origin, size: 4, rootHash: forked.root(), extensions: [] },
      [newSigner()],
    );
    assert.equal(checkAgentCheckpoint(log, stranger)?.kind, 'foreign-checkpoint');
  } finally {
    await log.close();
    await store.close();
  }
});
