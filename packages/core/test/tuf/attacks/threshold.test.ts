/** Threshold: a role's metadata needs signatures from `threshold` distinct keys of that role. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  asSignedBytes,
  buildRoot,
  canonicalBytes,
  countValidSignatures,
  ed25519Key,
  ed25519Signer,
  generateEd25519,
  signEnvelope,
} from '../../../src/index.js';
import type { Signature } from '../../../src/index.js';
import { TestRepo, refreshRefused, refreshedClient } from '../fixtures.js';

/** Targets is 2-of-3; the client trusts version 2. */
async function twoOfThree() {
  const repo = new TestRepo({ targets: { count: 3, threshold: 2 } });
  repo.publishTarget('a.bin', 'a');
  const client = await refreshedClient(repo);
  const [k1, k2, k3] = repo.roles.targets.signers;
  assert.ok(k1 && k2 && k3);
  return { repo, client, keys: [k1, k2, k3] as const };
}

/** Publishes targets v3 with exactly `signatures`, plus a proper snapshot and timestamp. */
function publishTargetsSignedBy(
  repo: TestRepo,
  signatures: (bytes: Uint8Array) => Signature[],
): void {
  const targets = repo.nextTargets();
  const envelope = { signed: targets, signatures: signatures(canonicalBytes(targets)) };
  repo.metadata.set('3.targets.json', new TextEncoder().encode(JSON.stringify(envelope)));
  repo.targets = targets;
  repo.writeSnapshot(repo.nextSnapshot());
  repo.writeTimestamp(repo.nextTimestamp());
}

test('threshold: 2-of-3 targets with one valid signature is refused', async () => {
  const { repo, client, keys } = await twoOfThree();
  publishTargetsSignedBy(repo, (bytes) => [{ keyid: keys[0].keyid, sig: keys[0].sign(bytes) }]);

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['timestamp', 'snapshot']);
  assert.equal(client.store.versions().targets, 2);
});

test('threshold: two signatures by the same key count once', async () => {
  const { repo, client, keys } = await twoOfThree();
  const sig = (bytes: Uint8Array) => ({ keyid: keys[0].keyid, sig: keys[0].sign(bytes) });
  publishTargetsSignedBy(repo, (bytes) => [sig(bytes), sig(bytes)]);

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['timestamp', 'snapshot']);
});

test('threshold: one good signature plus garbage under another key id is refused', async () => {
  const { repo, client, keys } = await twoOfThree();
  publishTargetsSignedBy(repo, (bytes) => [
    { keyid: keys[0].keyid, sig: keys[0].sign(bytes) },
    { keyid: keys[1].keyid, sig: keys[0].sign(bytes) }, // k1's signature filed under k2's id
    { keyid: keys[2].keyid, sig: 'zz' },
  ]);

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['timestamp', 'snapshot']);
});

test('threshold: 2-of-3 with two distinct valid signatures is accepted', async () => {
  const { repo, client, keys } = await twoOfThree();
  publishTargetsSignedBy(repo, (bytes) => [
    { keyid: keys[2].keyid, sig: 'not hex at all' },
    { keyid: keys[1].keyid, sig: keys[1].sign(bytes) },
    { keyid: keys[2].keyid, sig: keys[2].sign(bytes) },
  ]);

  await client.updater.refresh();
  assert.equal(client.store.versions().targets, 3);
});

test('countValidSignatures: an invalid then a valid signature by one key counts one', () => {
  const repo = new TestRepo({ targets: { count: 2, threshold: 2 } });
  const [k1] = repo.roles.targets.signers;
  assert.ok(k1);
  const envelope = signEnvelope(repo.targets, [k1]);
  const [good] = envelope.signatures;
  assert.ok(good);
  const signatures = [{ keyid: k1.keyid, sig: '00'.repeat(64) }, good, good];
  const counted = countValidSignatures(
    asSignedBytes({ signed: repo.targets, signatures }),
    repo.root,
    'targets',
  );
  assert.equal(counted, 1);
});

test('threshold: one public key listed under two key ids counts once', () => {
  const pair = generateEd25519();
  const signer = ed25519Signer(pair);
  const key = ed25519Key(pair.publicHex);
  const twin = 'f'.repeat(64);
  const root = buildRoot(1, new Date('2100-01-01T00:00:00Z'), {
    root: { keys: [key], threshold: 1 },
    targets: { keys: [key], threshold: 1 },
    snapshot: { keys: [key], threshold: 1 },
    timestamp: { keys: [key], threshold: 1 },
  });
  const doubled = {
    ...root,
    keys: { ...root.keys, [twin]: key },
    roles: { ...root.roles, targets: { keyids: [signer.keyid, twin], threshold: 2 } },
  };
  const envelope = asSignedBytes(signEnvelope({ hello: 'world' }, [signer]));
  const sig = envelope.signatures[0]?.sig ?? '';
  const both = {
    ...envelope,
    signatures: [
      { keyid: signer.keyid, sig },
      { keyid: twin, sig },
    ],
  };
  assert.equal(countValidSignatures(both, doubled, 'targets'), 1);
});
