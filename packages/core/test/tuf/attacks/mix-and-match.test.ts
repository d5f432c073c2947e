/** Mix-and-match: each file must be the exact one its referrer recorded (§5.5.2, §5.5.4, §5.6.4). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTimestamp } from '../../../src/index.js';
import { TestRepo, refreshRefused, refreshedClient, sign } from '../fixtures.js';

async function clientAtVersion2() {
  const repo = new TestRepo();
  repo.publishTarget('a.bin', 'a');
  const client = await refreshedClient(repo);
  return { repo, client };
}

test('mix-and-match: snapshot names targets v3 but the mirror serves v2 as 3.targets.json', async () => {
  const { repo, client } = await clientAtVersion2();
  repo.publishTarget('b.bin', 'b');
  repo.metadata.set('3.targets.json', repo.file('2.targets.json'));

  await refreshRefused(client, 'SECURITY_MIX_AND_MATCH', ['timestamp', 'snapshot']);
  assert.equal(client.store.versions().targets, 2);
});

test('mix-and-match: a snapshot of another length than the timestamp recorded is refused', async () => {
  const { repo, client } = await clientAtVersion2();
  repo.publishTarget('b.bin', 'b');
  // Same version, validly signed, shorter than the bytes the timestamp recorded.
  repo.writeSnapshot({ ...repo.snapshot, spec_version: '1.0' });

  await refreshRefused(client, 'SECURITY_MIX_AND_MATCH', ['timestamp']);
  assert.equal(client.store.versions().snapshot, 2);
});

test('mix-and-match: a same-length snapshot with another sha256 is refused', async () => {
  const { repo, client } = await clientAtVersion2();
  repo.publishTarget('b.bin', 'b');
  const recorded = repo.file('3.snapshot.json');
  const other = sign(
    { ...repo.snapshot, expires: repo.snapshot.expires.replace(/0Z$/, '1Z') },
    repo.roles.snapshot.signers,
  );
  assert.equal(other.length, recorded.length);
  repo.metadata.set('3.snapshot.json', other);

  await refreshRefused(client, 'SECURITY_MIX_AND_MATCH', ['timestamp']);
});

test('mix-and-match: a timestamp naming snapshot v3 while 3.snapshot.json holds v2', async () => {
  const { repo, client } = await clientAtVersion2();
  const v2 = repo.file('2.snapshot.json');
  repo.metadata.set('3.snapshot.json', v2);
  const timestamp = buildTimestamp(3, repo.expires.timestamp, 3, v2); // hash matches, version lies
  repo.writeTimestamp(timestamp);

  await refreshRefused(client, 'SECURITY_MIX_AND_MATCH', ['timestamp']);
});
