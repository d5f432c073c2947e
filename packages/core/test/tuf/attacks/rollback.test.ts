/** Rollback: the client must never accept metadata older than what it already trusts (§5.4.3, §5.5.5). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSnapshot } from '../../../src/index.js';
import { TestRepo, refreshRefused, refreshedClient } from '../fixtures.js';

/** A repository at version 3 of timestamp, snapshot and targets, with a client that trusts it. */
async function atVersion3() {
  const repo = new TestRepo();
  repo.publishTarget('a.bin', 'v2');
  const oldTimestamp = repo.file('timestamp.json');
  repo.publishTarget('a.bin', 'v3');
  const client = await refreshedClient(repo);
  assert.deepEqual(client.store.versions(), { root: 1, timestamp: 3, snapshot: 3, targets: 3 });
  return { repo, client, oldTimestamp };
}

test('rollback: an older timestamp version is refused', async () => {
  const { repo, client, oldTimestamp } = await atVersion3();
  repo.metadata.set('timestamp.json', oldTimestamp); // a validly signed timestamp v2, replayed

  await refreshRefused(client, 'SECURITY_ROLLBACK');
});

test('rollback: a newer timestamp naming an older snapshot version is refused', async () => {
  const { repo, client } = await atVersion3();
  const timestamp = repo.nextTimestamp();
  repo.writeTimestamp({
    ...timestamp,
    meta: { 'snapshot.json': { ...timestamp.meta['snapshot.json'], version: 2 } },
  });

  await refreshRefused(client, 'SECURITY_ROLLBACK');
});

test('rollback: a newer snapshot naming an older targets version is refused', async () => {
  const { repo, client } = await atVersion3();
  // 2.targets.json is still on the mirror (consistent snapshots keep old versions).
  repo.writeSnapshot(buildSnapshot(4, repo.expires.snapshot, 2));
  repo.writeTimestamp(repo.nextTimestamp());

  await refreshRefused(client, 'SECURITY_ROLLBACK', ['timestamp']);
  assert.deepEqual(client.store.versions(), { root: 1, timestamp: 4, snapshot: 3, targets: 3 });
});

test('rollback: a newer snapshot that drops targets.json is refused', async () => {
  const { repo, client } = await atVersion3();
  repo.writeSnapshot({ ...repo.nextSnapshot(), meta: { 'other.json': { version: 9 } } });
  repo.writeTimestamp(repo.nextTimestamp());

  await refreshRefused(client, 'SECURITY_ROLLBACK', ['timestamp']);
});

test('rollback: the whole repository replayed from an older state is refused', async () => {
  const repo = new TestRepo();
  repo.publishTarget('a.bin', 'v2');
  const replay = new Map(repo.metadata);
  repo.publishTarget('a.bin', 'v3');
  const client = await refreshedClient(repo);
  repo.metadata.clear();
  for (const [name, bytes] of replay) repo.metadata.set(name, bytes);

  await refreshRefused(client, 'SECURITY_ROLLBACK');
});
