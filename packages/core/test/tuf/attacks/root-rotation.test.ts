/** Root rotation (§5.3): walk every root version; each needs the old and the new root threshold. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestRepo, makeSigners, refreshRefused, refreshedClient, sign } from '../fixtures.js';

test('root rotation: a client at v1 walks v2 and v3 and trusts the rotated keys', async () => {
  const repo = new TestRepo();
  repo.publishTarget('a.bin', 'a');
  const client = await refreshedClient(repo);
  repo.rotate({ targets: { signers: makeSigners(1), threshold: 1 } });
  repo.rotate({ root: { signers: makeSigners(3), threshold: 2 } });
  repo.publishTarget('b.bin', 'b'); // signed by the new targets key only
  client.mirror.requests.length = 0;

  await client.updater.refresh();

  assert.deepEqual(client.mirror.requests.slice(0, 3), [
    'metadata/2.root.json',
    'metadata/3.root.json',
    'metadata/4.root.json',
  ]);
  assert.deepEqual(client.store.versions(), { root: 3, timestamp: 3, snapshot: 3, targets: 3 });
  assert.equal(new TextDecoder().decode((await client.updater.download('b.bin')).bytes), 'b');
});

test('root rotation: v3 not signed by a threshold of v2 root keys is refused', async () => {
  const repo = new TestRepo();
  const client = await refreshedClient(repo);
  repo.rotate({ root: { signers: makeSigners(2), threshold: 2 } });
  const [v2a] = repo.roles.root.signers;
  assert.ok(v2a);
  const attacker = makeSigners(1);
  repo.roles.root = { signers: attacker, threshold: 1 };
  repo.writeRoot(repo.rootFrom(3), [v2a, ...attacker]); // one of the two v2 keys: below threshold

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['root']);
  assert.equal(client.store.versions().root, 2);
});

test('root rotation: v2 not signed by a threshold of its own new keys is refused', async () => {
  const repo = new TestRepo();
  const client = await refreshedClient(repo);
  const v1 = repo.roles.root.signers;
  repo.roles.root = { signers: makeSigners(1), threshold: 1 };
  repo.writeRoot(repo.rootFrom(2), v1); // old keys only

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID');
  assert.equal(client.store.versions().root, 1);
});

test('root rotation: a skipped version (v3 served as 2.root.json) is refused', async () => {
  const repo = new TestRepo();
  const client = await refreshedClient(repo);
  repo.metadata.set('2.root.json', sign(repo.rootFrom(3), repo.roles.root.signers));

  await refreshRefused(client, 'SECURITY_ROLLBACK');
});

test('root rotation: a re-signed v1 served as 2.root.json is refused', async () => {
  const repo = new TestRepo();
  const client = await refreshedClient(repo);
  repo.metadata.set('2.root.json', sign(repo.rootFrom(1), repo.roles.root.signers));

  await refreshRefused(client, 'SECURITY_ROLLBACK');
});

test('root rotation: an unsigned or self-signed provisioned root is refused', async () => {
  const repo = new TestRepo();
  const forged = sign(repo.rootFrom(1), makeSigners(1));
  const client = await refreshedClient(repo);
  client.store.files.set('root', forged);

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID');
});
