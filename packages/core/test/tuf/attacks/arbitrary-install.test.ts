/** Arbitrary software installation: the client must install only what the targets role signed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TestRepo,
  downloadRefused,
  makeSigners,
  refreshRefused,
  refreshedClient,
  sign,
  tamper,
} from '../fixtures.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function repoWithPatch(): TestRepo {
  const repo = new TestRepo();
  repo.publishTarget('app/patch.tar', 'genuine patch');
  return repo;
}

test('a target that is not in signed targets metadata is refused before any fetch', async () => {
  const client = await refreshedClient(repoWithPatch());
  client.mirror.requests.length = 0;

  for (const path of ['evil.tar', 'app/other.tar', 'constructor', 'toString', '__proto__']) {
    await downloadRefused(client, path, 'SECURITY_TARGET_UNKNOWN');
  }
  assert.deepEqual(client.mirror.requests, []);
});

test('target bytes replaced behind valid metadata (same length) are refused', async () => {
  const repo = repoWithPatch();
  const client = await refreshedClient(repo);
  repo.targetFiles.set(repo.targetUrl('app/patch.tar'), utf8('evil!! patch.'));

  await downloadRefused(client, 'app/patch.tar', 'SECURITY_TARGET_MISMATCH');
});

test('target bytes shorter than signed are refused', async () => {
  const repo = repoWithPatch();
  const client = await refreshedClient(repo);
  repo.targetFiles.set(repo.targetUrl('app/patch.tar'), utf8('genuine'));

  await downloadRefused(client, 'app/patch.tar', 'SECURITY_TARGET_MISMATCH');
});

test('targets metadata edited on the mirror (signatures no longer match) is refused', async () => {
  const repo = repoWithPatch();
  const client = await refreshedClient(repo);
  repo.publishTarget('app/patch-2.tar', 'second');
  const evil = repo.addTargetFile('app/patch-2.tar', utf8('evil'));
  repo.metadata.set(
    '3.targets.json',
    tamper(repo.file('3.targets.json'), (envelope) => {
      (envelope.signed.targets as Record<string, unknown>)['app/patch-2.tar'] = evil;
    }),
  );

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['timestamp', 'snapshot']);
  assert.deepEqual(client.store.versions(), { root: 1, timestamp: 3, snapshot: 3, targets: 2 });
});

test('targets signed by a key the root does not trust are refused', async () => {
  const repo = repoWithPatch();
  const client = await refreshedClient(repo);
  const evil = repo.addTargetFile('app/patch.tar', utf8('evil'));
  // The attacker controls the mirror (and, to reach the targets check, snapshot and timestamp).
  const targets = repo.nextTargets({ 'app/patch.tar': evil });
  repo.metadata.set(`${targets.version}.targets.json`, sign(targets, makeSigners(1)));
  repo.targets = targets;
  repo.writeSnapshot(repo.nextSnapshot());
  repo.writeTimestamp(repo.nextTimestamp());

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['timestamp', 'snapshot']);
  assert.deepEqual(client.store.versions(), { root: 1, timestamp: 3, snapshot: 3, targets: 2 });
});

test('hostile names: targets named __proto__ or constructor stay plain, downloadable entries', async () => {
  const repo = new TestRepo();
  repo.publishTarget('__proto__', 'p');
  repo.publishTarget('constructor', 'c');
  const client = await refreshedClient(repo);

  const targets = await client.updater.refresh();
  assert.deepEqual(Object.keys(targets.targets).sort(), ['__proto__', 'constructor']);
  assert.equal(Object.getPrototypeOf(targets.targets), Object.prototype);
  assert.equal(new TextDecoder().decode((await client.updater.download('__proto__')).bytes), 'p');
  assert.equal(new TextDecoder().decode((await client.updater.download('constructor')).bytes), 'c');
});
