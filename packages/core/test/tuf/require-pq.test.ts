/**
 * The post-quantum requirement (TrustedMetadata.requirePq, agent --require-pq): on by default
 * when the trusted root gives every role ML-DSA-65 keys, so a root that drops them (a downgrade
 * to classical signatures, even one signed by the real root keys) is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PQ_ROLE_FIELD, TOP_LEVEL_ROLES, TrustedMetadata, Updater } from '../../src/index.js';
import type { Root } from '../../src/index.js';
import { NOW, TestRepo, newClient, rejectsWith } from './fixtures.js';

/** Root N+1 with no `x-patchcast-pq` in any role, signed by the (hybrid) root keys. */
function downgrade(repo: TestRepo): void {
  const next = repo.rootFrom(repo.root.version + 1);
  const roles = Object.fromEntries(
    TOP_LEVEL_ROLES.map((role) => {
      const classical: Record<string, unknown> = { ...next.roles[role] };
      delete classical[PQ_ROLE_FIELD];
      return [role, classical];
    }),
  ) as unknown as Root['roles'];
  repo.writeRoot({ ...next, roles });
  repo.publish();
}

test('a hybrid root turns the requirement on; a root dropping ML-DSA keys is then refused', async () => {
  const repo = new TestRepo();
  assert.equal(new TrustedMetadata(repo.trustedRoot, () => NOW).requirePq, true);
  downgrade(repo);
  await rejectsWith(newClient(repo).updater.refresh(), 'SECURITY_PQ_SIGNATURE_MISSING');
});

test('with the requirement off, the same signed downgrade is followed (as a stock client would)', async () => {
  const repo = new TestRepo();
  downgrade(repo);
  const client = newClient(repo);
  const updater = new Updater({
    repository: client.mirror,
    store: client.store,
    now: () => NOW,
    requirePq: false,
  });
  await updater.refresh();
  assert.equal(client.store.versions().root, 2);
});

test('a classical repository is used as is, unless the requirement is forced on', async () => {
  const repo = new TestRepo({}, 'ed25519');
  assert.equal(new TrustedMetadata(repo.trustedRoot, () => NOW).requirePq, false);
  await newClient(repo).updater.refresh();
  assert.throws(() => new TrustedMetadata(repo.trustedRoot, () => NOW, { requirePq: true }), {
    code: 'SECURITY_PQ_SIGNATURE_MISSING',
  });
});
