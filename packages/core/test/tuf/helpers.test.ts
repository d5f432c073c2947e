/** Small pure pieces of the TUF core: paths, target checks, expiry format, call-order guards. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PQ_ROLE_FIELD,
  TrustedMetadata,
  buildRoot,
  consistentTargetPath,
  formatExpires,
  generateKeyPairSet,
  keyIdOf,
  publicKeysOf,
  sha256Hex,
  verifyTarget,
} from '../../src/index.js';
import { NOW, TestRepo } from './fixtures.js';

const H = 'ab'.repeat(32);

test('consistentTargetPath prefixes the basename with its sha256 (§5.7.3)', () => {
  assert.equal(consistentTargetPath('a.bin', H), `${H}.a.bin`);
  assert.equal(consistentTargetPath('app/x/a.bin', H), `app/x/${H}.a.bin`);
  assert.equal(consistentTargetPath('.hidden', H), `${H}..hidden`);
});

test('verifyTarget checks the length and the sha256', () => {
  const bytes = new TextEncoder().encode('data');
  const info = { length: 4, hashes: { sha256: sha256Hex(bytes) } };
  verifyTarget('t', info, bytes);
  assert.throws(() => verifyTarget('t', { ...info, length: 5 }, bytes), {
    code: 'SECURITY_TARGET_MISMATCH',
  });
  assert.throws(() => verifyTarget('t', { ...info, hashes: { sha256: H } }, bytes), {
    code: 'SECURITY_TARGET_MISMATCH',
  });
});

test('formatExpires drops milliseconds and keeps the Z suffix', () => {
  assert.equal(formatExpires(new Date('2031-01-01T00:00:00.999Z')), '2031-01-01T00:00:00Z');
});

test('TrustedMetadata enforces the order root, timestamp, snapshot, targets', () => {
  const repo = new TestRepo();
  const trusted = new TrustedMetadata(repo.trustedRoot, () => NOW);
  assert.throws(() => trusted.updateSnapshot(repo.file('1.snapshot.json')), /timestamp must/);
  assert.throws(() => trusted.updateTargets(repo.file('1.targets.json')), /snapshot must/);
  assert.equal(trusted.updateTimestamp(repo.file('timestamp.json')), true);
  assert.throws(() => trusted.updateRoot(repo.file('1.root.json')), /root must be updated/);
  trusted.updateSnapshot(repo.file('1.snapshot.json'));
  trusted.updateTargets(repo.file('1.targets.json'));
  assert.equal(trusted.targets?.version, 1);
});

test('TrustedMetadata: a stale local snapshot is an anchor, never a source of targets', () => {
  const repo = new TestRepo();
  const stale = repo.file('1.snapshot.json');
  repo.publishTarget('a.bin', 'a');
  const trusted = new TrustedMetadata(repo.trustedRoot, () => NOW);
  trusted.updateTimestamp(repo.file('timestamp.json'));
  assert.equal(trusted.loadLocalSnapshot(stale), false);
  assert.throws(() => trusted.updateTargets(repo.file('1.targets.json')), /snapshot must/);
  trusted.updateSnapshot(repo.file('2.snapshot.json'));
  trusted.updateTargets(repo.file('2.targets.json'));
  assert.equal(trusted.targets?.version, 2);
});

test('buildRoot: Ed25519 keys form the standard role, ML-DSA-65 keys its x-patchcast-pq set', () => {
  const [a, b] = [generateKeyPairSet(), generateKeyPairSet()];
  const classic = generateKeyPairSet('ed25519');
  const root = buildRoot(1, NOW, {
    root: { keys: [...publicKeysOf(a), ...publicKeysOf(b)], threshold: 2, pqThreshold: 1 },
    targets: { keys: [...publicKeysOf(a), ...publicKeysOf(a)], threshold: 1 },
    snapshot: { keys: publicKeysOf(classic), threshold: 1 },
    timestamp: { keys: publicKeysOf(b), threshold: 1 },
  });
  const ids = (set: typeof a) => publicKeysOf(set).map(keyIdOf);
  const [aEd, aPq] = ids(a);
  const [bEd, bPq] = ids(b);
  assert.deepEqual(root.roles.root, {
    keyids: [aEd, bEd],
    threshold: 2,
    [PQ_ROLE_FIELD]: { keyids: [aPq, bPq], threshold: 1 },
  });
  assert.deepEqual(root.roles.targets, {
    keyids: [aEd],
    threshold: 1,
    [PQ_ROLE_FIELD]: { keyids: [aPq], threshold: 1 },
  });
  assert.deepEqual(root.roles.snapshot, { keyids: ids(classic), threshold: 1 });
  assert.equal(Object.keys(root.keys).length, 5);
});
