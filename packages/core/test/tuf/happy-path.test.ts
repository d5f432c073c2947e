import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestRepo, newClient, refreshedClient } from './fixtures.js';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

test('refresh then download a target', async () => {
  const repo = new TestRepo();
  repo.publishTarget('app/patch-1.0.1.tar', 'patch bytes');
  const { updater, store, mirror } = newClient(repo);

  const targets = await updater.refresh();
  assert.deepEqual(Object.keys(targets.targets), ['app/patch-1.0.1.tar']);
  const { bytes, info } = await updater.download('app/patch-1.0.1.tar');

  assert.equal(text(bytes), 'patch bytes');
  assert.equal(info.length, 11);
  assert.deepEqual(store.versions(), { root: 1, timestamp: 2, snapshot: 2, targets: 2 });
  assert.deepEqual(mirror.requests, [
    'metadata/2.root.json',
    'metadata/timestamp.json',
    'metadata/2.snapshot.json',
    'metadata/2.targets.json',
    `targets/${repo.targetUrl('app/patch-1.0.1.tar')}`,
  ]);
  assert.match(mirror.requests.at(-1) ?? '', /^targets\/app\/[0-9a-f]{64}\.patch-1\.0\.1\.tar$/);
});

test('a second refresh with nothing new fetches only root and timestamp', async () => {
  const repo = new TestRepo();
  repo.publishTarget('a.bin', 'a');
  const client = await refreshedClient(repo);
  const before = client.store.contents();
  client.mirror.requests.length = 0;

  await client.updater.refresh();

  assert.deepEqual(client.mirror.requests, ['metadata/2.root.json', 'metadata/timestamp.json']);
  assert.deepEqual(client.store.contents(), before);
  assert.equal(text((await client.updater.download('a.bin')).bytes), 'a');
});

test('a restarted client reuses its persisted metadata', async () => {
  const repo = new TestRepo();
  repo.publishTarget('a.bin', 'a');
  const first = await refreshedClient(repo);
  const second = newClient(repo, { store: first.store });

  await second.updater.refresh();

  assert.deepEqual(second.mirror.requests, ['metadata/2.root.json', 'metadata/timestamp.json']);
  assert.equal(text((await second.updater.download('a.bin')).bytes), 'a');
});

test('a target published after the first refresh appears on the next one', async () => {
  const repo = new TestRepo();
  repo.publishTarget('a.bin', 'a');
  const { updater, store } = await refreshedClient(repo);

  repo.publishTarget('b.bin', 'bb');
  const targets = await updater.refresh();

  assert.deepEqual(Object.keys(targets.targets).sort(), ['a.bin', 'b.bin']);
  assert.equal(text((await updater.download('b.bin')).bytes), 'bb');
  assert.equal(text((await updater.download('a.bin')).bytes), 'a');
  assert.deepEqual(store.versions(), { root: 1, timestamp: 3, snapshot: 3, targets: 3 });
});

test('a timestamp-only bump (re-signed, same snapshot) reuses the persisted snapshot', async () => {
  const repo = new TestRepo();
  repo.publishTarget('a.bin', 'a');
  const { updater, store, mirror } = await refreshedClient(repo);
  repo.writeTimestamp(repo.nextTimestamp());
  mirror.requests.length = 0;

  await updater.refresh();

  assert.deepEqual(mirror.requests, ['metadata/2.root.json', 'metadata/timestamp.json']);
  assert.deepEqual(store.versions(), { root: 1, timestamp: 3, snapshot: 2, targets: 2 });
});

test('download before any refresh is a programming error, not a fetch', async () => {
  const repo = new TestRepo();
  const { updater, mirror } = newClient(repo);
  await assert.rejects(updater.download('a.bin'), /refresh\(\) must succeed/);
  assert.deepEqual(mirror.requests, []);
});
