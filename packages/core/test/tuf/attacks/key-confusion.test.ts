/** Key-type confusion: only the declared Ed25519 keys of the right role may sign for it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalBytes, verifySignature } from '../../../src/index.js';
import type { TufKey } from '../../../src/index.js';
import { TestRepo, refreshRefused, refreshedClient } from '../fixtures.js';

async function clientAtVersion2() {
  const repo = new TestRepo();
  repo.publishTarget('a.bin', 'a');
  return { repo, client: await refreshedClient(repo) };
}

/** Root v2, validly signed, whose targets key is re-declared by `redeclare`. */
function rootWithTargetsKey(repo: TestRepo, redeclare: (key: TufKey) => unknown): void {
  const root = repo.rootFrom(2);
  const [targetsKeyId] = root.roles.targets.keyids;
  assert.ok(targetsKeyId);
  const key = root.keys[targetsKeyId];
  assert.ok(key);
  repo.writeRoot({ ...root, keys: { ...root.keys, [targetsKeyId]: redeclare(key) as TufKey } });
}

for (const [label, redeclare] of [
  ['keytype rsa', (key: TufKey) => ({ ...key, keytype: 'rsa' })],
  ['scheme rsassa-pss-sha256', (key: TufKey) => ({ ...key, scheme: 'rsassa-pss-sha256' })],
  ['keytype ecdsa-sha2-nistp256', (key: TufKey) => ({ ...key, keytype: 'ecdsa-sha2-nistp256' })],
  ['keyval without public', () => ({ keytype: 'ed25519', scheme: 'ed25519', keyval: {} })],
] as const) {
  test(`key confusion: a root declaring an Ed25519 key as ${label} is refused`, async () => {
    const { repo, client } = await clientAtVersion2();
    rootWithTargetsKey(repo, redeclare);
    await refreshRefused(client, 'SECURITY_METADATA_MALFORMED');
  });
}

test('key confusion: targets signed by a trusted key of another role are refused', async () => {
  const { repo, client } = await clientAtVersion2();
  repo.writeTargets(repo.nextTargets(), repo.roles.timestamp.signers);
  repo.writeSnapshot(repo.nextSnapshot());
  repo.writeTimestamp(repo.nextTimestamp());

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['timestamp', 'snapshot']);
});

test('key confusion: a signature filed under the targets key id but made by another key', async () => {
  const { repo, client } = await clientAtVersion2();
  const [targetsKey] = repo.roles.targets.signers;
  const [timestampKey] = repo.roles.timestamp.signers;
  assert.ok(targetsKey && timestampKey);
  const targets = repo.nextTargets();
  const forged = {
    signed: targets,
    signatures: [{ keyid: targetsKey.keyid, sig: timestampKey.sign(canonicalBytes(targets)) }],
  };
  repo.metadata.set('3.targets.json', new TextEncoder().encode(JSON.stringify(forged)));
  repo.targets = targets;
  repo.writeSnapshot(repo.nextSnapshot());
  repo.writeTimestamp(repo.nextTimestamp());

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['timestamp', 'snapshot']);
});

test('verifySignature refuses a valid Ed25519 signature under a key declared otherwise', () => {
  const repo = new TestRepo();
  const [signer] = repo.roles.targets.signers;
  assert.ok(signer);
  const data = canonicalBytes({ hello: 'world' });
  const sig = signer.sign(data);
  assert.equal(verifySignature(signer.key, sig, data), true);
  for (const key of [
    { ...signer.key, keytype: 'rsa' },
    { ...signer.key, scheme: 'ecdsa-sha2-nistp256' },
    { ...signer.key, keyval: { public: signer.key.keyval.public.toUpperCase() } },
    { ...signer.key, keyval: { public: `-----BEGIN PUBLIC KEY-----` } },
  ]) {
    assert.equal(verifySignature(key as TufKey, sig, data), false, JSON.stringify(key));
  }
  assert.equal(verifySignature(signer.key, sig.toUpperCase(), data), false);
  assert.equal(verifySignature(signer.key, sig.slice(2), data), false);
});
