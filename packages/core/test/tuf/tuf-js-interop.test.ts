/**
 * Interop oracle: the stock tuf-js client refreshes and downloads from a repository made by our
 * builders and signers, served over HTTP. This proves our canonical JSON, key ids, signatures,
 * root rotation and consistent-snapshot paths match the reference implementation, and that the
 * hybrid additions (ML-DSA-65 keys of a type tuf-js does not know, signatures by key ids outside
 * the standard roles, the `x-patchcast-pq` field) leave a stock client working.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PQ_ROLE_FIELD, isPostQuantum, keyIdOf } from '../../src/index.js';
import { TestRepo, makeSigners, newClient, rejectsWith, tamper } from './fixtures.js';
import { stockDownload, withTufJs } from './stock-client.js';

/** Keeps only the signatures by post-quantum keys (`pq`) or only the others. */
function keepSignatures(repo: TestRepo, bytes: Uint8Array, pq: boolean): Uint8Array {
  return tamper(bytes, (envelope) => {
    const signatures = envelope.signatures as { keyid: string }[];
    envelope.signatures = signatures.filter((s) => {
      const key = repo.root.keys[s.keyid];
      return key !== undefined && isPostQuantum(key) === pq;
    });
  });
}

test('tuf-js 5 refreshes and downloads from a fully hybrid repository our core built', async () => {
  const repo = new TestRepo({
    root: { count: 2, threshold: 2 },
    targets: { count: 3, threshold: 2 },
  });
  repo.publishTarget('app/patch-1.0.0.tar', 'first patch');
  const trustedRoot = repo.trustedRoot;
  repo.rotate({ timestamp: { signers: makeSigners(1), threshold: 1 } });
  repo.rotate({ root: { signers: makeSigners(1), threshold: 1 } });
  repo.publish();
  repo.publishTarget('app/patch-1.0.1.tar', 'second patch, "quoted" \\ é');

  const keytypes = Object.values(repo.root.keys).map((k) => k.keytype);
  assert.deepEqual([...new Set(keytypes)].sort(), ['ed25519', 'ml-dsa']);
  assert.equal(repo.root.roles.targets[PQ_ROLE_FIELD]?.threshold, 2);
  const targets = JSON.parse(new TextDecoder().decode(repo.file('4.targets.json'))) as {
    signatures: { sig: string }[];
  };
  assert.deepEqual(
    targets.signatures.map((s) => s.sig.length).sort(),
    [128, 128, 128, 6618, 6618, 6618],
  );

  await withTufJs(repo, trustedRoot, async (client) => {
    assert.equal(await stockDownload(client, 'app/patch-1.0.1.tar'), 'second patch, "quoted" \\ é');
    const persisted = JSON.parse(await readFile(join(client.metadataDir, 'root.json'), 'utf8')) as {
      signed: { version: number };
    };
    assert.equal(persisted.signed.version, 3, 'tuf-js walked our root rotations');
  });
});

test('tuf-js ignores keys of an unknown type and signatures by key ids outside the role', async () => {
  const repo = new TestRepo();
  const future = { keytype: 'slh-dsa', scheme: 'slh-dsa-shake-128s/1', keyval: { public: 'ab' } };
  const futureId = keyIdOf(future);
  const root = repo.rootFrom(1);
  const targetsRole = { ...root.roles.targets, keyids: [...root.roles.targets.keyids, futureId] };
  repo.writeRoot({
    ...root,
    keys: { ...root.keys, [futureId]: future },
    roles: { ...root.roles, targets: targetsRole },
  });
  repo.publish();
  repo.publishTarget('a.bin', 'a');
  repo.metadata.set(
    '3.targets.json',
    tamper(repo.file('3.targets.json'), (e) => {
      const extra = [
        { keyid: futureId, sig: 'ab' },
        { keyid: 'f'.repeat(64), sig: '00'.repeat(64) },
      ];
      e.signatures = [...(e.signatures as unknown[]), ...extra];
    }),
  );

  await withTufJs(repo, repo.trustedRoot, async (client) => {
    assert.equal(await stockDownload(client, 'a.bin'), 'a');
  });
  const ours = newClient(repo);
  await ours.updater.refresh();
  assert.equal(new TextDecoder().decode((await ours.updater.download('a.bin')).bytes), 'a');
});

test('stripped ML-DSA signatures: tuf-js accepts them, a Patchcast client refuses', async () => {
  const repo = new TestRepo();
  repo.publishTarget('a.bin', 'a');
  repo.metadata.set('2.targets.json', keepSignatures(repo, repo.file('2.targets.json'), false));

  await withTufJs(repo, repo.trustedRoot, async (client) => {
    assert.equal(await stockDownload(client, 'a.bin'), 'a', 'stock TUF counts only Ed25519');
  });
  await rejectsWith(newClient(repo).updater.refresh(), 'SECURITY_PQ_SIGNATURE_MISSING');
});

test('only ML-DSA signatures: tuf-js refuses, and so does a Patchcast client', async () => {
  const repo = new TestRepo();
  repo.publishTarget('a.bin', 'a');
  repo.metadata.set('2.targets.json', keepSignatures(repo, repo.file('2.targets.json'), true));

  await withTufJs(repo, repo.trustedRoot, async ({ updater }) => {
    await assert.rejects(updater.refresh(), /targets was signed by 0\/1 keys/);
  });
  await rejectsWith(newClient(repo).updater.refresh(), 'SECURITY_SIGNATURE_INVALID');
});
