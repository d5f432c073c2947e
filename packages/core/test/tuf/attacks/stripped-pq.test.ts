/**
 * Stripped ML-DSA signatures: an attacker who can forge Ed25519 (or who only removes the
 * post-quantum signatures) still fails root's post-quantum threshold. A stock TUF client would
 * accept such metadata; a Patchcast client refuses it with SECURITY_PQ_SIGNATURE_MISSING.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PQ_ROLE_FIELD,
  TOP_LEVEL_ROLES,
  TrustedMetadata,
  Updater,
  isPostQuantum,
  parseEnvelope,
  verifyThreshold,
} from '../../../src/index.js';
import type { RoleName, Root } from '../../../src/index.js';
import {
  NOW,
  TestRepo,
  classical,
  newClient,
  refreshRefused,
  refreshedClient,
  tamper,
} from '../fixtures.js';

/** Removes the signatures by post-quantum keys (or, with `keep: 'pq'`, all the others). */
function strip(repo: TestRepo, bytes: Uint8Array, keep: 'classical' | 'pq' = 'classical') {
  const pq = new Set(
    Object.keys(repo.root.keys).filter((id) => isPostQuantum(repo.root.keys[id]!)),
  );
  return tamper(bytes, (envelope) => {
    const signatures = envelope.signatures as { keyid: string }[];
    envelope.signatures = signatures.filter((s) => pq.has(s.keyid) === (keep === 'pq'));
  });
}

const FILES: Record<RoleName, string> = {
  root: '1.root.json',
  timestamp: 'timestamp.json',
  snapshot: '1.snapshot.json',
  targets: '1.targets.json',
};

test('stripped ML-DSA: every role refuses with SECURITY_PQ_SIGNATURE_MISSING', () => {
  const repo = new TestRepo();
  for (const role of TOP_LEVEL_ROLES) {
    const envelope = parseEnvelope(role, repo.file(FILES[role]));
    verifyThreshold(envelope, repo.root, role);
    const stripped = parseEnvelope(role, strip(repo, repo.file(FILES[role])));
    assert.throws(() => verifyThreshold(stripped, repo.root, role), {
      code: 'SECURITY_PQ_SIGNATURE_MISSING',
    });
  }
});

test('stripped ML-DSA: targets are refused; the next good publication installs', async () => {
  const repo = new TestRepo();
  repo.publishTarget('a.bin', 'a');
  const client = await refreshedClient(repo);
  repo.publishTarget('b.bin', 'b');
  repo.metadata.set('3.targets.json', strip(repo, repo.file('3.targets.json')));

  await refreshRefused(client, 'SECURITY_PQ_SIGNATURE_MISSING', ['timestamp', 'snapshot']);
  assert.equal(client.store.versions().targets, 2);

  repo.publishTarget('c.bin', 'c');
  await client.updater.refresh();
  assert.equal(new TextDecoder().decode((await client.updater.download('c.bin')).bytes), 'c');
});

test('stripped ML-DSA: a timestamp is refused and nothing moves', async () => {
  const repo = new TestRepo();
  const client = await refreshedClient(repo);
  repo.publishTarget('a.bin', 'a');
  repo.metadata.set('timestamp.json', strip(repo, repo.file('timestamp.json')));

  await refreshRefused(client, 'SECURITY_PQ_SIGNATURE_MISSING');
});

test('stripped Ed25519: metadata signed only with ML-DSA is refused too', async () => {
  const repo = new TestRepo();
  const client = await refreshedClient(repo);
  repo.publishTarget('a.bin', 'a');
  repo.metadata.set('2.targets.json', strip(repo, repo.file('2.targets.json'), 'pq'));

  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID', ['timestamp', 'snapshot']);
});

test('stripped ML-DSA: a new root is refused and the client stays on its root', async () => {
  const repo = new TestRepo();
  const client = await refreshedClient(repo);
  repo.metadata.set('2.root.json', strip(repo, repo.rotate({})));

  await refreshRefused(client, 'SECURITY_PQ_SIGNATURE_MISSING');
  assert.equal(client.store.versions().root, 1);
});

test('stripped ML-DSA: a provisioned root without its ML-DSA signatures is not trusted', () => {
  const repo = new TestRepo();
  assert.throws(() => new TrustedMetadata(strip(repo, repo.trustedRoot), () => NOW), {
    code: 'SECURITY_PQ_SIGNATURE_MISSING',
  });
});

/** Writes root v2 without any post-quantum policy, signed by `signers`. */
function rootWithoutPqPolicy(repo: TestRepo, signers = repo.roles.root.signers): void {
  const root = repo.rootFrom(2);
  const roles = Object.fromEntries(
    TOP_LEVEL_ROLES.map((role) => {
      const { keyids, threshold } = root.roles[role];
      return [role, { keyids, threshold }];
    }),
  ) as Root['roles'];
  repo.writeRoot({ ...root, roles }, signers);
}

test('downgrade: dropping the post-quantum policy needs the old root ML-DSA keys', async () => {
  const repo = new TestRepo();
  const client = await refreshedClient(repo);
  rootWithoutPqPolicy(repo, classical(repo.roles.root.signers));

  await refreshRefused(client, 'SECURITY_PQ_SIGNATURE_MISSING');
});

test('a policy change signed by both root key kinds is followed only with requirePq off', async () => {
  const repo = new TestRepo();
  const client = await refreshedClient(repo);
  rootWithoutPqPolicy(repo);
  repo.publishTarget('a.bin', 'a');
  repo.metadata.set('2.targets.json', strip(repo, repo.file('2.targets.json')));

  // By default a client that trusts a hybrid root requires ML-DSA keys for every role.
  await refreshRefused(client, 'SECURITY_PQ_SIGNATURE_MISSING');
  const optedOut = new Updater({
    repository: client.mirror,
    store: client.store,
    now: () => NOW,
    requirePq: false,
  });
  await optedOut.refresh();
  assert.deepEqual(client.store.versions(), { root: 2, timestamp: 2, snapshot: 2, targets: 2 });
});

test('a classical-only repository (no x-patchcast-pq) verifies as before', async () => {
  const repo = new TestRepo({}, 'ed25519');
  repo.publishTarget('a.bin', 'a');
  assert.equal(repo.root.roles.targets[PQ_ROLE_FIELD], undefined);
  const { updater } = newClient(repo);
  await updater.refresh();
  assert.equal(new TextDecoder().decode((await updater.download('a.bin')).bytes), 'a');
});
