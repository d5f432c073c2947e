/**
 * Threshold: a role's metadata needs signatures from `threshold` distinct Ed25519 keys of that
 * role (the standard TUF count) and, where root declares it, from `x-patchcast-pq.threshold`
 * distinct ML-DSA-65 keys. Neither kind counts towards the other.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  asSignedBytes,
  buildRoot,
  canonicalBytes,
  countValidPqSignatures,
  countValidSignatures,
  ed25519Key,
  ed25519Signer,
  generateEd25519,
  mlDsa65Key,
  signEnvelope,
} from '../../../src/index.js';
import type { Signature, Signer } from '../../../src/index.js';
import { TestRepo, classical, postQuantum, refreshRefused, refreshedClient } from '../fixtures.js';

type Three = readonly [Signer, Signer, Signer];

/** Targets is 2-of-3 (Ed25519) and 2-of-3 (ML-DSA-65); the client trusts version 2. */
async function twoOfThree() {
  const repo = new TestRepo({ targets: { count: 3, threshold: 2 } });
  repo.publishTarget('a.bin', 'a');
  const client = await refreshedClient(repo);
  const ed = three(classical(repo.roles.targets.signers));
  const pq = three(postQuantum(repo.roles.targets.signers));
  return { repo, client, ed, pq };
}

function three(signers: readonly Signer[]): Three {
  const [a, b, c] = signers;
  assert.ok(a && b && c && signers.length === 3);
  return [a, b, c];
}

const by = (signer: Signer, bytes: Uint8Array): Signature => ({
  keyid: signer.keyid,
  sig: signer.sign(bytes),
});

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

test('threshold: 2-of-3 targets with one valid Ed25519 signature is refused', async () => {
  const { repo, client, ed, pq } = await twoOfThree();
  publishTargetsSignedBy(repo, (b) => [by(ed[0], b), by(pq[0], b), by(pq[1], b)]);

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['timestamp', 'snapshot']);
  assert.equal(client.store.versions().targets, 2);
});

test('threshold: two signatures by the same key count once', async () => {
  const { repo, client, ed, pq } = await twoOfThree();
  publishTargetsSignedBy(repo, (b) => [by(ed[0], b), by(ed[0], b), by(pq[0], b), by(pq[1], b)]);

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['timestamp', 'snapshot']);
});

test('threshold: one good signature plus garbage under another key id is refused', async () => {
  const { repo, client, ed, pq } = await twoOfThree();
  publishTargetsSignedBy(repo, (b) => [
    by(ed[0], b),
    { keyid: ed[1].keyid, sig: ed[0].sign(b) }, // k1's signature filed under k2's id
    { keyid: ed[2].keyid, sig: 'zz' },
    by(pq[0], b),
    by(pq[1], b),
  ]);

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['timestamp', 'snapshot']);
});

test('threshold: ML-DSA signatures do not count towards the Ed25519 threshold', async () => {
  const { repo, client, ed, pq } = await twoOfThree();
  publishTargetsSignedBy(repo, (b) => [by(ed[0], b), by(pq[0], b), by(pq[1], b), by(pq[2], b)]);

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['timestamp', 'snapshot']);
});

test('threshold: Ed25519 threshold met but one of two ML-DSA signatures is refused', async () => {
  const { repo, client, ed, pq } = await twoOfThree();
  publishTargetsSignedBy(repo, (b) => [by(ed[0], b), by(ed[1], b), by(ed[2], b), by(pq[2], b)]);

  await refreshRefused(client, 'SECURITY_PQ_SIGNATURE_MISSING', ['timestamp', 'snapshot']);
});

test('threshold: 2-of-3 of each kind, from different holders, is accepted', async () => {
  const { repo, client, ed, pq } = await twoOfThree();
  publishTargetsSignedBy(repo, (b) => [
    { keyid: ed[2].keyid, sig: 'not hex at all' },
    by(ed[1], b),
    by(ed[2], b),
    by(pq[0], b),
    by(pq[2], b),
  ]);

  await client.updater.refresh();
  assert.equal(client.store.versions().targets, 3);
});

test('countValidSignatures: an invalid then a valid signature by one key counts one', () => {
  const repo = new TestRepo({ targets: { count: 2, threshold: 2 } });
  const [k1] = classical(repo.roles.targets.signers);
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

test('threshold: one ML-DSA key under two ids (two PEM spellings) counts once', () => {
  const repo = new TestRepo();
  const [pq] = postQuantum(repo.roles.targets.signers);
  assert.ok(pq);
  const crlf = mlDsa65Key(pq.key.keyval.public.replace(/\n/g, '\r\n'));
  const twin = 'e'.repeat(64);
  const pqRole = { keyids: [pq.keyid, twin], threshold: 2 };
  const root = {
    ...repo.root,
    keys: { ...repo.root.keys, [twin]: crlf },
    roles: {
      ...repo.root.roles,
      targets: { ...repo.root.roles.targets, 'x-patchcast-pq': pqRole },
    },
  };
  const envelope = asSignedBytes(signEnvelope({ hello: 'world' }, [pq]));
  const sig = envelope.signatures[0]?.sig ?? '';
  const both = {
    ...envelope,
    signatures: [
      { keyid: pq.keyid, sig },
      { keyid: twin, sig },
    ],
  };
  assert.equal(countValidPqSignatures(both, root, 'targets'), 1);
});
