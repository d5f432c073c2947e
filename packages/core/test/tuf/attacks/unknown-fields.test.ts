/**
 * Unknown fields (spec §4: implementations must keep unrecognized fields for signing): signatures
 * cover the signed object exactly as received, not the typed model the parser builds from it.
 * Unknown key types are data too: they parse, and they never verify.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PQ_ROLE_FIELD, keyIdOf, parseEnvelope, verifyThreshold } from '../../../src/index.js';
import type { TufKey } from '../../../src/index.js';
import { TestRepo, refreshRefused, refreshedClient, sign, tamper } from '../fixtures.js';

function targetsWithExtras(repo: TestRepo) {
  const content = new TextEncoder().encode('x');
  const info = repo.addTargetFile('x.bin', content);
  const entry = { ...info, x_mirror_hint: 'eu', hashes: { ...info.hashes, blake2b: 'ab' } };
  return {
    ...repo.nextTargets({ 'x.bin': entry }),
    x_patchcast: { channel: 'stable', weights: [1, 2, 3] },
  };
}

test('unknown fields: a signed object with extra fields still verifies', () => {
  const repo = new TestRepo();
  const bytes = sign(targetsWithExtras(repo), repo.roles.targets.signers);
  const parsed = parseEnvelope('targets', bytes);

  verifyThreshold(parsed, repo.root, 'targets');
  assert.equal('x_patchcast' in parsed.signed, false, 'the model drops the unknown field');
  assert.match(new TextDecoder().decode(parsed.signedBytes), /"x_patchcast":\{"channel"/);
});

test('unknown fields: stripping an unknown field breaks the signature', () => {
  const repo = new TestRepo();
  const bytes = tamper(sign(targetsWithExtras(repo), repo.roles.targets.signers), (e) => {
    delete e.signed.x_patchcast;
  });
  assert.throws(() => verifyThreshold(parseEnvelope('targets', bytes), repo.root, 'targets'), {
    code: 'SECURITY_SIGNATURE_INVALID',
  });
});

test('unknown fields: the updater accepts targets and root with extra fields', async () => {
  const repo = new TestRepo();
  const client = await refreshedClient(repo);
  const root = repo.rootFrom(2);
  const keys = Object.fromEntries(
    Object.entries(root.keys).map(([id, key]) => [
      id,
      { ...key, keyid_hash_algorithms: ['sha256', 'sha512'] },
    ]),
  );
  repo.metadata.set('2.root.json', sign({ ...root, keys, x_note: 'hi' }, repo.roles.root.signers));
  repo.root = root;
  repo.publish(targetsWithExtras(repo));

  const targets = await client.updater.refresh();
  assert.deepEqual(Object.keys(targets.targets), ['x.bin']);
  assert.equal(new TextDecoder().decode((await client.updater.download('x.bin')).bytes), 'x');
  assert.deepEqual(client.store.versions(), { root: 2, timestamp: 2, snapshot: 2, targets: 2 });
});

test('unknown fields: an unsigned unknown field added by the mirror is refused', async () => {
  const repo = new TestRepo();
  const client = await refreshedClient(repo);
  repo.publishTarget('a.bin', 'a');
  repo.metadata.set(
    'timestamp.json',
    tamper(repo.file('timestamp.json'), (e) => void (e.signed.x_injected = true)),
  );
  await refreshRefused(client, 'SECURITY_SIGNATURE_INVALID');
});

test('unknown key types: a root adding a future key type to the roles keeps clients working', async () => {
  const repo = new TestRepo();
  const client = await refreshedClient(repo);
  const future = { keytype: 'slh-dsa', scheme: 'slh-dsa-shake-128s/1', keyval: { public: 'ab' } };
  const odd = {
    keytype: 'x-hsm',
    scheme: 'x-hsm/1',
    keyval: { uri: 'pkcs11:x' },
  } as unknown as TufKey;
  const [futureId, oddId] = [keyIdOf(future), keyIdOf(odd)];
  const root = repo.rootFrom(2);
  const targets = root.roles.targets;
  const pq = targets[PQ_ROLE_FIELD];
  assert.ok(pq);
  const roles = {
    ...root.roles,
    targets: {
      keyids: [...targets.keyids, futureId, oddId],
      threshold: 1,
      [PQ_ROLE_FIELD]: { keyids: [...pq.keyids, futureId], threshold: 1 },
    },
  };
  repo.writeRoot({ ...root, keys: { ...root.keys, [futureId]: future, [oddId]: odd }, roles });
  repo.publishTarget('a.bin', 'a');
  const withFutureSig = tamper(repo.file('2.targets.json'), (e) => {
    e.signatures = [...(e.signatures as unknown[]), { keyid: futureId, sig: '00'.repeat(64) }];
  });
  repo.metadata.set('2.targets.json', withFutureSig);

  await client.updater.refresh();
  assert.equal(new TextDecoder().decode((await client.updater.download('a.bin')).bytes), 'a');
  assert.deepEqual(parseEnvelope('root', repo.file('2.root.json')).signed.keys[oddId], {
    keytype: 'x-hsm',
    scheme: 'x-hsm/1',
    keyval: { public: '' },
  });
});
