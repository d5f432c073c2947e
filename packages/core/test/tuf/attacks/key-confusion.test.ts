/**
 * Key-type confusion: a signature counts only under the key, the key type and the role that
 * made it. Unknown key types parse (a future root must not lock clients out) but never verify.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PQ_ROLE_FIELD, canonicalBytes, verifySignature } from '../../../src/index.js';
import type { Root, Signature, TufKey } from '../../../src/index.js';
import { TestRepo, classical, postQuantum, refreshRefused, refreshedClient } from '../fixtures.js';

async function clientAtVersion2() {
  const repo = new TestRepo();
  repo.publishTarget('a.bin', 'a');
  return { repo, client: await refreshedClient(repo) };
}

/** Root v2, validly signed, whose Ed25519 targets key is re-declared by `redeclare`. */
function rootWithTargetsKey(repo: TestRepo, redeclare: (key: TufKey) => unknown): void {
  const root = repo.rootFrom(2);
  const [targetsKeyId] = root.roles.targets.keyids;
  assert.ok(targetsKeyId);
  const key = root.keys[targetsKeyId];
  assert.ok(key);
  repo.writeRoot({ ...root, keys: { ...root.keys, [targetsKeyId]: redeclare(key) as TufKey } });
}

/** Publishes targets v3 carrying exactly `signatures`, with a proper snapshot and timestamp. */
function publishTargetsSignedBy(repo: TestRepo, signatures: (bytes: Uint8Array) => Signature[]) {
  const targets = repo.nextTargets();
  const envelope = { signed: targets, signatures: signatures(canonicalBytes(targets)) };
  repo.metadata.set('3.targets.json', new TextEncoder().encode(JSON.stringify(envelope)));
  repo.targets = targets;
  repo.writeSnapshot(repo.nextSnapshot());
  repo.writeTimestamp(repo.nextTimestamp());
}

for (const [label, redeclare] of [
  ['keytype rsa', (key: TufKey) => ({ ...key, keytype: 'rsa' })],
  ['scheme rsassa-pss-sha256', (key: TufKey) => ({ ...key, scheme: 'rsassa-pss-sha256' })],
  ['keytype ecdsa-sha2-nistp256', (key: TufKey) => ({ ...key, keytype: 'ecdsa-sha2-nistp256' })],
  ['ml-dsa / ml-dsa-65/1', (key: TufKey) => ({ ...key, keytype: 'ml-dsa', scheme: 'ml-dsa-65/1' })],
] as const) {
  test(`key confusion: an Ed25519 key re-declared as ${label} parses but no longer verifies`, async () => {
    const { repo, client } = await clientAtVersion2();
    rootWithTargetsKey(repo, redeclare);
    await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['root']);
    assert.equal(client.store.versions().root, 2);
  });
}

test('key confusion: a root whose Ed25519 key lacks keyval.public is malformed', async () => {
  const { repo, client } = await clientAtVersion2();
  rootWithTargetsKey(repo, () => ({ keytype: 'ed25519', scheme: 'ed25519', keyval: {} }));
  await refreshRefused(client, 'SECURITY_METADATA_MALFORMED');
});

test('key confusion: targets signed by trusted keys of another role are refused', async () => {
  const { repo, client } = await clientAtVersion2();
  repo.writeTargets(repo.nextTargets(), repo.roles.timestamp.signers);
  repo.writeSnapshot(repo.nextSnapshot());
  repo.writeTimestamp(repo.nextTimestamp());

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['timestamp', 'snapshot']);
});

test('key confusion: a signature filed under the targets key id but made by another key', async () => {
  const { repo, client } = await clientAtVersion2();
  const [targetsKey] = classical(repo.roles.targets.signers);
  const [timestampKey] = classical(repo.roles.timestamp.signers);
  assert.ok(targetsKey && timestampKey);
  publishTargetsSignedBy(repo, (bytes) => [
    { keyid: targetsKey.keyid, sig: timestampKey.sign(bytes) },
  ]);

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['timestamp', 'snapshot']);
});

test('key confusion: Ed25519 and ML-DSA signatures swapped between the two key ids', async () => {
  const { repo, client } = await clientAtVersion2();
  const [ed] = classical(repo.roles.targets.signers);
  const [pq] = postQuantum(repo.roles.targets.signers);
  assert.ok(ed && pq);
  publishTargetsSignedBy(repo, (bytes) => [
    { keyid: ed.keyid, sig: pq.sign(bytes) },
    { keyid: pq.keyid, sig: ed.sign(bytes) },
  ]);
  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['timestamp', 'snapshot']);
});

test('key confusion: an Ed25519 signature under the ML-DSA key id is no ML-DSA signature', async () => {
  const { repo, client } = await clientAtVersion2();
  const [ed] = classical(repo.roles.targets.signers);
  const [pq] = postQuantum(repo.roles.targets.signers);
  assert.ok(ed && pq);
  publishTargetsSignedBy(repo, (bytes) => [
    { keyid: ed.keyid, sig: ed.sign(bytes) },
    { keyid: pq.keyid, sig: ed.sign(bytes) },
  ]);
  await refreshRefused(client, 'SECURITY_PQ_SIGNATURE_MISSING', ['timestamp', 'snapshot']);
});

test('key confusion: an Ed25519 key named as a post-quantum key never counts as one', async () => {
  const { repo, client } = await clientAtVersion2();
  const root = repo.rootFrom(2);
  const [edId] = root.roles.targets.keyids;
  assert.ok(edId);
  const targets = { ...root.roles.targets, [PQ_ROLE_FIELD]: { keyids: [edId], threshold: 1 } };
  const confused: Root = { ...root, roles: { ...root.roles, targets } };
  repo.writeRoot(confused);
  repo.publishTarget('b.bin', 'b');

  await refreshRefused(client, 'SECURITY_PQ_SIGNATURE_MISSING', ['root', 'timestamp', 'snapshot']);
});

test('key confusion: an ML-DSA key re-declared as ed25519 does not verify its ML-DSA signature', async () => {
  const { repo, client } = await clientAtVersion2();
  const root = repo.rootFrom(2);
  const [pqId] = root.roles.targets[PQ_ROLE_FIELD]?.keyids ?? [];
  assert.ok(pqId);
  const pqKey = root.keys[pqId];
  assert.ok(pqKey);
  // The relabelled key is the only standard targets key: a verifier that picked the algorithm
  // from the key material (a PEM) or the signature length would accept an ML-DSA signature as
  // the Ed25519 signature a stock client counts.
  const relabelled = { ...pqKey, keytype: 'ed25519', scheme: 'ed25519' };
  const targetsRole = { ...root.roles.targets, keyids: [pqId], threshold: 1 };
  repo.writeRoot({
    ...root,
    keys: { ...root.keys, [pqId]: relabelled },
    roles: { ...root.roles, targets: targetsRole },
  });
  const [pq] = postQuantum(repo.roles.targets.signers);
  assert.ok(pq && pq.keyid === pqId);
  publishTargetsSignedBy(repo, (bytes) => [{ keyid: pqId, sig: pq.sign(bytes) }]);

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['root', 'timestamp', 'snapshot']);
  assert.equal(
    verifySignature(relabelled, pq.sign(new Uint8Array([1])), new Uint8Array([1])),
    false,
  );
  assert.equal(verifySignature(pqKey, pq.sign(new Uint8Array([1])), new Uint8Array([1])), true);
});

test('verifySignature refuses a valid Ed25519 signature under a key declared otherwise', () => {
  const repo = new TestRepo();
  const [signer] = classical(repo.roles.targets.signers);
  assert.ok(signer);
  const data = canonicalBytes({ hello: 'world' });
  const sig = signer.sign(data);
  assert.equal(verifySignature(signer.key, sig, data), true);
  for (const key of [
    { ...signer.key, keytype: 'rsa' },
    { ...signer.key, scheme: 'ecdsa-sha2-nistp256' },
    { ...signer.key, keytype: 'ml-dsa', scheme: 'ml-dsa-65/1' },
    { ...signer.key, keyval: { public: signer.key.keyval.public.toUpperCase() } },
    { ...signer.key, keyval: { public: `-----BEGIN PUBLIC KEY-----` } },
  ]) {
    assert.equal(verifySignature(key, sig, data), false, JSON.stringify(key));
  }
  assert.equal(verifySignature(signer.key, sig.toUpperCase(), data), false);
  assert.equal(verifySignature(signer.key, sig.slice(2), data), false);
});
