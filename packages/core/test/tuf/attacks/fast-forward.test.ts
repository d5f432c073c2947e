/**
 * Fast-forward recovery (§5.3.11): after a compromised timestamp or snapshot key pushed a huge
 * version, rotating that key in root must let the client accept the repository's lower versions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSnapshot } from '../../../src/index.js';
import { TestRepo, makeSigners, refreshRefused, refreshedClient, sign } from '../fixtures.js';

const HUGE = 1_000_000_000;

test('fast-forward: a rotated timestamp key lets the client accept a lower timestamp version', async () => {
  const repo = new TestRepo();
  repo.publishTarget('a.bin', 'a');
  const client = await refreshedClient(repo);
  // The attacker holds the timestamp key and pushes version HUGE.
  const legit = repo.file('timestamp.json');
  repo.metadata.set('timestamp.json', sign(repo.nextTimestamp(HUGE), repo.roles.timestamp.signers));
  await client.updater.refresh();
  assert.equal(client.store.versions().timestamp, HUGE);

  // Back on the legitimate timestamp, the client is locked out: every lower version is a rollback.
  repo.metadata.set('timestamp.json', legit);
  repo.writeTimestamp(repo.nextTimestamp());
  await refreshRefused(client, 'SECURITY_ROLLBACK');

  // Recovery: root v2 rotates the timestamp key; the repository re-signs a low version.
  repo.rotate({ timestamp: { signers: makeSigners(1), threshold: 1 } });
  repo.writeTimestamp(repo.nextTimestamp());
  await client.updater.refresh();
  assert.deepEqual(client.store.versions(), { root: 2, timestamp: 4, snapshot: 2, targets: 2 });
});

test('fast-forward: a rotated snapshot key lets the client accept a lower snapshot version', async () => {
  const repo = new TestRepo();
  repo.publishTarget('a.bin', 'a');
  const client = await refreshedClient(repo);
  // The attacker holds the timestamp and snapshot keys and pushes snapshot version HUGE.
  const snapshot = buildSnapshot(HUGE, repo.expires.snapshot, 2);
  repo.metadata.set(`${HUGE}.snapshot.json`, sign(snapshot, repo.roles.snapshot.signers));
  const timestamp = { ...repo.nextTimestamp(), meta: { 'snapshot.json': { version: HUGE } } };
  repo.metadata.set('timestamp.json', sign(timestamp, repo.roles.timestamp.signers));
  await client.updater.refresh();
  assert.deepEqual(client.store.versions(), { root: 1, timestamp: 3, snapshot: HUGE, targets: 2 });

  // The legitimate repository moves on, but every snapshot version it names is a rollback.
  repo.publishTarget('b.bin', 'b');
  repo.publishTarget('c.bin', 'c');
  await refreshRefused(client, 'SECURITY_ROLLBACK');

  // Recovery: root v2 rotates the snapshot key and the repository re-publishes.
  repo.rotate({ snapshot: { signers: makeSigners(1), threshold: 1 } });
  repo.publish();
  await client.updater.refresh();
  assert.deepEqual(client.store.versions(), { root: 2, timestamp: 5, snapshot: 5, targets: 5 });
  assert.equal(new TextDecoder().decode((await client.updater.download('c.bin')).bytes), 'c');
});
