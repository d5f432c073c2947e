/**
 * The Store conformance suite: every adapter must pass it unchanged. Adapters call
 * `storeConformance(name, makeStore)` from their own test file.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  CheckpointRecord,
  DeviceRecord,
  LogEntryRecord,
  RolloutRecord,
  Store,
} from '../src/storage/store.js';

const inventory = { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: '1', installed: [] };
const T0 = '2026-01-01T00:00:00.000Z';

function device(id: string, labels: Record<string, string> = {}): DeviceRecord {
  return {
    id,
    name: `name-${id}`,
    publicKey: id.padEnd(64, '0').slice(0, 64),
    labels,
    inventory,
    enrolledAt: T0,
    lastSeenAt: null,
    lastTimestampVersion: 0,
  };
}

function rollout(id: string, createdAt = T0): RolloutRecord {
  return {
    id,
    patch: { name: 'p', version: '1' },
    targetPath: 'p/1/bundle.tar',
    selector: { all: true },
    state: 'in-progress',
    createdAt,
    createdBy: 'admin',
    completedAt: null,
  };
}

const report = (
  reportId: string,
  state: 'downloading' | 'installed' | 'failed',
  rolloutId = 'ro_1',
  deviceId = 'dev_a',
) => ({
  reportId,
  rolloutId,
  deviceId,
  state,
  error: state === 'failed' ? { code: 'X', message: 'm' } : null,
  timings: null,
  at: T0,
});

function logEntry(index: number, subject: string | null): LogEntryRecord {
  const leaf = new TextEncoder().encode(`{"entry":${index}}`);
  return { index, leaf, hash: new Uint8Array(32).fill(index + 1), subject };
}

function cp(size: number): CheckpointRecord {
  return { size, note: `checkpoint ${size}\n` };
}

export function storeConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store conformance: ${name}`, () => {
    const withStore = (fn: (store: Store) => Promise<void>) => async () => {
      const store = await makeStore();
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    };

    test(
      'settings: initSetting keeps the first value',
      withStore(async (store) => {
        assert.equal(await store.getSetting('k'), undefined);
        assert.equal(await store.initSetting('k', 'first'), 'first');
        assert.equal(await store.initSetting('k', 'second'), 'first');
        assert.equal(await store.getSetting('k'), 'first');
      }),
    );

    test(
      'enroll tokens are consumed exactly once and expire',
      withStore(async (store) => {
        await store.createEnrollToken({
          id: 'e1',
          hash: 'h1',
          createdBy: 'a',
          createdAt: T0,
          expiresAt: '2026-01-02T00:00:00.000Z',
        });
        await store.createEnrollToken({
          id: 'e2',
          hash: 'h2',
          createdBy: 'a',
          createdAt: T0,
          expiresAt: '2026-01-01T00:00:01.000Z',
        });
        const results = await Promise.all(
          [1, 2, 3].map(() => store.consumeEnrollToken('h1', '2026-01-01T01:00:00.000Z')),
        );
        assert.deepEqual(results.sort(), ['ok', 'used', 'used']);
        assert.equal(await store.consumeEnrollToken('h2', '2026-01-01T01:00:00.000Z'), 'expired');
        assert.equal(await store.consumeEnrollToken('nope', T0), 'unknown');
      }),
    );

    test(
      'api tokens are found by hash only',
      withStore(async (store) => {
        await store.createApiToken({
          id: 't1',
          name: 'n',
          role: 'operator',
          hash: 'abc',
          createdAt: T0,
        });
        assert.equal((await store.findApiToken('abc'))?.role, 'operator');
        assert.equal(await store.findApiToken('abd'), undefined);
      }),
    );

    test(
      'api tokens keep expiry, device scope and revocation; live names are unique',
      withStore(async (store) => {
        const scoped = {
          id: 't2',
          name: 'ci',
          role: 'operator' as const,
          hash: 'h-ci',
          createdAt: T0,
          createdBy: 'initial-admin',
          expiresAt: '2026-02-01T00:00:00.000Z',
          devices: { labels: { env: 'staging', ring: 'canary' } },
        };
        await store.createApiToken(scoped);
        await store.createApiToken({
          id: 't1',
          name: 'a',
          role: 'admin',
          hash: 'h-a',
          createdAt: T0,
        });
        assert.deepEqual(await store.findApiToken('h-ci'), { ...scoped, revokedAt: undefined });
        assert.deepEqual(
          (await store.listApiTokens()).map((t) => t.id),
          ['t1', 't2'],
          'oldest first, then by id',
        );
        await assert.rejects(
          store.createApiToken({ ...scoped, id: 't3', hash: 'h-other' }),
          'a second live token named ci',
        );
        const revoked = await store.revokeApiToken('t2', '2026-01-02T00:00:00.000Z');
        assert.equal(revoked?.revokedAt, '2026-01-02T00:00:00.000Z');
        const again = await store.revokeApiToken('t2', '2026-01-03T00:00:00.000Z');
        assert.equal(again?.revokedAt, '2026-01-02T00:00:00.000Z', 'the first revocation stays');
        assert.equal(await store.revokeApiToken('nope', T0), undefined);
        await store.createApiToken({ ...scoped, id: 't3', hash: 'h-other' });
        assert.equal((await store.findApiToken('h-other'))?.name, 'ci', 'the name is free again');
      }),
    );

    test(
      'devices: create, list, touch; public keys are unique',
      withStore(async (store) => {
        await store.createDevice(device('dev_a', { env: 'x' }));
        await assert.rejects(
          store.createDevice({ ...device('dev_b'), publicKey: device('dev_a').publicKey }),
        );
        await store.touchDevice('dev_a', '2026-01-03T00:00:00.000Z', { lastTimestampVersion: 7 });
        await store.touchDevice('dev_a', '2026-01-04T00:00:00.000Z', { lastTimestampVersion: 3 });
        const got = await store.getDevice('dev_a');
        assert.equal(got?.lastSeenAt, '2026-01-04T00:00:00.000Z');
        assert.equal(got?.lastTimestampVersion, 7, 'never goes backwards');
        assert.deepEqual(got?.labels, { env: 'x' });
        assert.equal((await store.listDevices()).length, 1);
      }),
    );

    test(
      'metadata: atomic commit with a compare-and-set on the targets version',
      withStore(async (store) => {
        const bytes = (s: string) => new TextEncoder().encode(s);
        assert.equal(
          await store.commitMetadata(
            [
              { role: 'targets', version: 1, bytes: bytes('t1') },
              { role: 'snapshot', version: 1, bytes: bytes('s1') },
            ],
            0,
          ),
          true,
        );
        assert.equal(
          await store.commitMetadata(
            [
              { role: 'targets', version: 2, bytes: bytes('t2') },
              { role: 'snapshot', version: 2, bytes: bytes('s2') },
            ],
            0,
          ),
          false,
        );
        assert.equal(
          (await store.latestMetadata('snapshot'))?.version,
          1,
          'a refused commit writes nothing',
        );
        await assert.rejects(
          store.commitMetadata([
            { role: 'snapshot', version: 3, bytes: bytes('s3') },
            { role: 'targets', version: 1, bytes: bytes('dup') },
          ]),
        );
        assert.equal(
          (await store.latestMetadata('snapshot'))?.version,
          1,
          'a failed commit writes nothing',
        );
        assert.equal(
          new TextDecoder().decode((await store.getMetadata('targets', 1))?.bytes),
          't1',
        );
      }),
    );

    test(
      'reports: stored once, states only move forward, final is final',
      withStore(async (store) => {
        await store.createDevice(device('dev_a'));
        await store.createRollout(rollout('ro_1'), ['dev_a']);
        assert.equal(await store.applyReport(report('r1', 'downloading')), 'applied');
        assert.equal(await store.applyReport(report('r1', 'downloading')), 'duplicate');
        assert.equal(await store.applyReport(report('r2', 'installed')), 'applied');
        assert.equal(await store.applyReport(report('r3', 'downloading')), 'stale');
        assert.equal(await store.applyReport(report('r4', 'failed')), 'stale');
        assert.equal(
          await store.applyReport(report('r5', 'installed', 'ro_x')),
          'unknown-assignment',
        );
        const [a] = await store.assignments('ro_1');
        assert.equal(a?.state, 'installed');
        assert.deepEqual(await store.openAssignments('dev_a'), []);
      }),
    );

    test(
      'a rollout keeps its downgrade permission (ADR 0017); absent means none',
      withStore(async (store) => {
        await store.createDevice(device('dev_a'));
        await store.createRollout({ ...rollout('ro_down'), allowDowngrade: true }, ['dev_a']);
        await store.createRollout(rollout('ro_plain'), ['dev_a']);
        assert.equal((await store.getRollout('ro_down'))?.allowDowngrade, true);
        assert.equal((await store.getRollout('ro_plain'))?.allowDowngrade, undefined);
        const listed = await store.listRollouts();
        assert.deepEqual(listed.map((r) => [r.id, r.allowDowngrade === true]).sort(), [
          ['ro_down', true],
          ['ro_plain', false],
        ]);
      }),
    );

    test(
      'open assignments come oldest rollout first; notified only moves pending',
      withStore(async (store) => {
        await store.createDevice(device('dev_a'));
        await store.createRollout(rollout('ro_2', '2026-01-02T00:00:00.000Z'), ['dev_a']);
        await store.createRollout(rollout('ro_1', '2026-01-01T00:00:00.000Z'), ['dev_a']);
        assert.deepEqual(
          (await store.openAssignments('dev_a')).map((a) => a.rolloutId),
          ['ro_1', 'ro_2'],
        );
        await store.applyReport(report('r1', 'downloading', 'ro_1'));
        await store.markNotified('ro_1', ['dev_a'], T0);
        await store.markNotified('ro_2', ['dev_a'], T0);
        assert.deepEqual(
          (await store.openAssignments('dev_a')).map((a) => a.state),
          ['downloading', 'notified'],
        );
      }),
    );

    test(
      'log: batches append atomically with their checkpoint, only at the end of the log',
      withStore(async (store) => {
        assert.equal(await store.log.size(), 0);
        assert.equal(await store.log.latestCheckpoint(), undefined);
        await store.log.append([], { size: 0, note: 'empty\n' });
        await store.log.append([logEntry(0, 'patch:p@1'), logEntry(1, null)], cp(2));
        await store.log.append([logEntry(2, 'patch:p@1')], cp(3));
        await assert.rejects(store.log.append([logEntry(2, null)], cp(4)), 'not at the end');
        await assert.rejects(store.log.append([logEntry(3, null)], cp(5)), 'wrong size');
        await assert.rejects(store.log.append([logEntry(4, null)], cp(5)), 'a gap');
        assert.equal(await store.log.size(), 3, 'a refused batch writes nothing');
        assert.deepEqual(await store.log.latestCheckpoint(), cp(3));
        assert.deepEqual(await store.log.checkpointCovering(1), cp(2));
        assert.deepEqual(await store.log.checkpointCovering(2), cp(3));
        assert.equal(await store.log.checkpointCovering(3), undefined);
        const entries = await store.log.entries(1, 10);
        assert.deepEqual(
          entries.map((e) => [e.index, e.subject]),
          [
            [1, null],
            [2, 'patch:p@1'],
          ],
        );
        assert.deepEqual(entries[0]?.leaf, logEntry(1, null).leaf);
        assert.deepEqual(entries[0]?.hash, logEntry(1, null).hash);
        assert.deepEqual(
          (await store.log.leafHashes(0, 2)).map(([i, h]) => [i, h.length]),
          [
            [0, 32],
            [1, 32],
          ],
        );
        assert.equal((await store.log.findBySubject('patch:p@1'))?.index, 0, 'lowest index');
        assert.equal(await store.log.findBySubject('patch:q@1'), undefined);
      }),
    );

    test(
      'artifacts: the first record wins; lengths beyond 2^31 round-trip',
      withStore(async (store) => {
        const sha = 'ab'.repeat(32);
        await store.putArtifact({ sha256: sha, length: 3_000_000_000, createdAt: T0 });
        await store.putArtifact({ sha256: sha, length: 1, createdAt: '2026-02-01T00:00:00.000Z' });
        assert.deepEqual(await store.getArtifact(sha), {
          sha256: sha,
          length: 3_000_000_000,
          createdAt: T0,
        });
        assert.equal(await store.getArtifact('cd'.repeat(32)), undefined);
      }),
    );

    test(
      'metadata bytes round-trip exactly, including NUL and 0xff',
      withStore(async (store) => {
        const bytes = new Uint8Array([0, 255, 1, 0, 128, 10, 0]);
        assert.equal(await store.commitMetadata([{ role: 'root', version: 1, bytes }]), true);
        assert.deepEqual((await store.getMetadata('root', 1))?.bytes, bytes);
        assert.deepEqual((await store.latestMetadata('root'))?.bytes, bytes);
        assert.equal(await store.latestMetadata('timestamp'), undefined);
      }),
    );

    test(
      'a rollout naming an unknown device is refused and writes nothing',
      withStore(async (store) => {
        await store.createDevice(device('dev_a'));
        await assert.rejects(store.createRollout(rollout('ro_1'), ['dev_a', 'dev_missing']));
        assert.equal(await store.getRollout('ro_1'), undefined);
        assert.deepEqual(await store.assignments('ro_1'), []);
      }),
    );

    test(
      'lists sort by byte order (upper case before lower case), whatever the locale',
      withStore(async (store) => {
        for (const id of ['dev_b', 'dev_B', 'dev_a', 'dev_\u00e9']) {
          await store.createDevice({ ...device(id, { site: 'Zürich' }), name: id });
        }
        assert.deepEqual(
          (await store.listDevices()).map((d) => d.id),
          ['dev_B', 'dev_a', 'dev_b', 'dev_\u00e9'],
        );
        assert.deepEqual((await store.getDevice('dev_b'))?.labels, { site: 'Zürich' });
        await store.createRollout(rollout('ro_b', T0), ['dev_b', 'dev_B']);
        await store.createRollout(rollout('ro_A', T0), ['dev_a']);
        await store.createRollout(rollout('ro_new', '2026-03-01T00:00:00.000Z'), []);
        assert.deepEqual(
          (await store.listRollouts()).map((r) => r.id),
          ['ro_new', 'ro_A', 'ro_b'],
          'newest first, then by id',
        );
        await store.completeRollout('ro_A', { state: 'completed', at: '2026-03-02T00:00:00.000Z' });
        assert.deepEqual(
          (await store.listRollouts('in-progress')).map((r) => r.id),
          ['ro_new', 'ro_b'],
          'only the state asked for, in the same order',
        );
        assert.deepEqual(await store.rolloutStateCounts(), { completed: 1, 'in-progress': 2 });
        assert.deepEqual(
          (await store.assignments('ro_b')).map((a) => a.deviceId),
          ['dev_B', 'dev_b'],
        );
      }),
    );

    test(
      'touchDevice replaces the inventory when given one; markNotified moves several devices',
      withStore(async (store) => {
        await store.createDevice(device('dev_a'));
        await store.createDevice(device('dev_b'));
        const next = { ...inventory, hostname: 'renamed' };
        await store.touchDevice('dev_a', '2026-01-02T00:00:00.000Z', { inventory: next });
        assert.deepEqual((await store.getDevice('dev_a'))?.inventory, next);
        await store.touchDevice('dev_a', '2026-01-03T00:00:00.000Z', {});
        assert.deepEqual((await store.getDevice('dev_a'))?.inventory, next, 'kept');
        await store.createRollout(rollout('ro_1'), ['dev_a', 'dev_b']);
        await store.markNotified('ro_1', ['dev_a', 'dev_b', 'dev_x'], T0);
        assert.deepEqual(
          (await store.assignments('ro_1')).map((a) => a.state),
          ['notified', 'notified'],
        );
      }),
    );

    test(
      'log: batches across the 256-entry boundary keep every hash in place',
      withStore(async (store) => {
        const entries = Array.from({ length: 300 }, (_, i) => logEntry(i, null));
        await store.log.append(entries.slice(0, 200), cp(200));
        await store.log.append(entries.slice(200), cp(300));
        const hashes = await store.log.leafHashes(250, 260);
        assert.deepEqual(
          hashes.map(([i]) => i),
          Array.from({ length: 10 }, (_, k) => 250 + k),
        );
        for (const [i, hash] of hashes) assert.deepEqual(new Uint8Array(hash), entries[i]?.hash);
        assert.equal((await store.log.entries(299, 400)).length, 1);
        assert.deepEqual(await store.log.leafHashes(5, 5), []);
      }),
    );

    test(
      'rollouts: state and completion time persist',
      withStore(async (store) => {
        await store.createDevice(device('dev_a'));
        await store.createRollout(rollout('ro_1'), ['dev_a']);
        assert.equal(
          await store.completeRollout('ro_1', {
            state: 'completed',
            at: '2026-01-05T00:00:00.000Z',
          }),
          true,
        );
        assert.equal(
          await store.completeRollout('ro_1', { state: 'aborted', at: '2026-01-06T00:00:00.000Z' }),
          false,
          'a finished rollout is not finished twice',
        );
        const got = await store.getRollout('ro_1');
        assert.equal(got?.state, 'completed');
        assert.equal(got?.completedAt, '2026-01-05T00:00:00.000Z');
        assert.deepEqual(got?.selector, { all: true });
        assert.equal((await store.listRollouts()).length, 1);
      }),
    );
  });
}
