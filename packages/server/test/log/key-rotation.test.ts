import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SecurityError,
  followKeyChain,
  openChainedCheckpoint,
  parseVerifierKey,
} from '@patchcast/core';
import { parseLogEntry } from '@patchcast/protocol';
import { action, newSigner, openLog, tempStore } from './log-fixture.js';

const refused = (code: string) => (error: unknown) =>
  error instanceof SecurityError && error.code === code;

test('rotateKey: the transition is stored with its entry, and the log reopens only with the new key', async () => {
  const store = tempStore();
  const [oldKey, newKey] = [newSigner(), newSigner()];
  const log = await openLog(store.log, { signer: oldKey });
  await Promise.all([0, 1, 2].map((i) => log.append(action(i))));
  const transition = await log.rotateKey(newKey, '2026-12-07T00:00:00.000Z');
  await log.append(action(3));
  await log.flush();
  assert.equal(log.verifierKey, newKey.verifierKey);
  const chain = followKeyChain(parseVerifierKey(oldKey.verifierKey), log.keyTransitions);
  assert.equal(chain.transitions[0], transition);
  assert.equal(openChainedCheckpoint(log.checkpoint.note, chain).checkpoint.size, 5);
  const [entry] = await store.log.entries(3, 4);
  const event = parseLogEntry(entry?.leaf ?? new Uint8Array());
  assert.equal(event?.type, 'log-key-rotated');
  assert.equal(event?.type === 'log-key-rotated' && event.key, newKey.verifierKey);
  await log.close();

  const reopened = await openLog(store.log, { signer: newKey });
  assert.deepEqual(reopened.keyTransitions, [transition]);
  assert.equal(reopened.keyChain.keys.length, 2);
  await reopened.append(action(4));
  await reopened.close();
  // A node still holding the retired key does not sign past the transition.
  await assert.rejects(
    openLog(store.log, { signer: oldKey }),
    refused('SECURITY_SIGNATURE_INVALID'),
  );
});
