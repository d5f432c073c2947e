/**
 * The conformance suite of `Store.deviceResults` and of the reboot flag `applyReport` keeps:
 * written against the Store interface only, run over every adapter by device-results.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceState } from '@patchcast/protocol';
import type { DeviceRecord, ReportInput, RolloutRecord, Store } from '../../src/storage/store.js';

const T0 = '2026-01-01T00:00:00.000Z';
const at = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;

function device(id: string): DeviceRecord {
  return {
    id,
    name: `name-${id}`,
    publicKey: id.padEnd(64, '0').slice(0, 64),
    labels: {},
    inventory: { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: '1', installed: [] },
    enrolledAt: T0,
    lastSeenAt: null,
    lastTimestampVersion: 0,
  };
}

function rollout(id: string, name: string, version = '1'): RolloutRecord {
  return {
    id,
    patch: { name, version },
    targetPath: `${name}/${version}/bundle.tar`,
    selector: { all: true },
    state: 'in-progress',
    createdAt: T0,
    createdBy: 'test',
    completedAt: null,
  };
}

function report(
  id: string,
  rolloutId: string,
  deviceId: string,
  state: DeviceState,
  minute: number,
  extra: Partial<ReportInput> = {},
): ReportInput {
  return {
    reportId: id,
    rolloutId,
    deviceId,
    state,
    error: null,
    timings: null,
    at: at(minute),
    ...extra,
  };
}

async function fleet(store: Store): Promise<void> {
  for (const id of ['dev_a', 'dev_b']) await store.createDevice(device(id));
  await store.createRollout(rollout('ro_1', 'kernel'), ['dev_a', 'dev_b']);
  await store.createRollout(rollout('ro_2', 'openssl'), ['dev_a']);
  await store.createRollout(rollout('ro_3', 'broken'), ['dev_a']);
}

export function deviceResultsConformance(name: string, makeStore: () => Promise<Store>): void {
  const withStore = (body: (store: Store) => Promise<void>) => async () => {
    const store = await makeStore();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };

  describe(`DeviceResultsStore conformance: ${name}`, () => {
    test(
      'results of one device: newest first, with the latest timings, error and reboot flag',
      withStore(async (store) => {
        await fleet(store);
        const timings = { downloadMs: 12, installMs: 34, healthMs: 5, totalMs: 60 };
        await store.applyReport(report('r1', 'ro_1', 'dev_a', 'downloading', 1));
        await store.applyReport(
          report('r2', 'ro_1', 'dev_a', 'installed', 2, { timings, rebootRequired: true }),
        );
        await store.applyReport(report('r3', 'ro_2', 'dev_a', 'installed', 3, { timings: {} }));
        const error = { code: 'HEALTH_CHECK_FAILED', message: 'probe "api" failed' };
        await store.applyReport(
          report('r4', 'ro_3', 'dev_a', 'rolled-back', 4, { error, rebootRequired: true }),
        );
        await store.applyReport(report('r5', 'ro_1', 'dev_b', 'installed', 5));
        const results = await store.deviceResults.recent('dev_a', 10);
        assert.deepEqual(results, [
          {
            rolloutId: 'ro_3',
            patch: { name: 'broken', version: '1' },
            state: 'rolled-back',
            error,
            timings: null,
            rebootRequired: false,
            updatedAt: at(4),
          },
          {
            rolloutId: 'ro_2',
            patch: { name: 'openssl', version: '1' },
            state: 'installed',
            error: null,
            timings: {},
            rebootRequired: false,
            updatedAt: at(3),
          },
          {
            rolloutId: 'ro_1',
            patch: { name: 'kernel', version: '1' },
            state: 'installed',
            error: null,
            timings,
            rebootRequired: true,
            updatedAt: at(2),
          },
        ]);
        assert.deepEqual(
          (await store.deviceResults.recent('dev_a', 2)).map((r) => r.rolloutId),
          ['ro_3', 'ro_2'],
        );
        assert.deepEqual(await store.deviceResults.recent('dev_unknown', 10), []);
      }),
    );

    test(
      'a device awaits a reboot once an installed report says so; assignments carry the flag',
      withStore(async (store) => {
        await fleet(store);
        assert.deepEqual(await store.deviceResults.awaitingReboot(), []);
        await store.applyReport(
          report('r1', 'ro_1', 'dev_b', 'installing', 1, { rebootRequired: true }),
        );
        assert.deepEqual(await store.deviceResults.awaitingReboot(), [], 'not installed yet');
        await store.applyReport(
          report('r2', 'ro_1', 'dev_b', 'installed', 2, { rebootRequired: true }),
        );
        await store.applyReport(report('r3', 'ro_1', 'dev_a', 'installed', 3));
        assert.deepEqual(await store.deviceResults.awaitingReboot(), ['dev_b']);
        const flags = (await store.assignments('ro_1')).map((a) => [a.deviceId, a.rebootRequired]);
        assert.deepEqual(flags, [
          ['dev_a', false],
          ['dev_b', true],
        ]);
        const resent = report('r2', 'ro_1', 'dev_b', 'installed', 2, { rebootRequired: false });
        assert.equal(await store.applyReport(resent), 'duplicate');
        assert.deepEqual(await store.deviceResults.awaitingReboot(), ['dev_b'], 'kept');
      }),
    );

    test(
      'a boot other than the one of the install clears the flag; the same boot keeps it',
      withStore(async (store) => {
        await fleet(store);
        const reboot = (bootId?: string) => ({
          rebootRequired: true,
          ...(bootId === undefined ? {} : { bootId }),
        });
        await store.applyReport(report('r1', 'ro_1', 'dev_a', 'installed', 1, reboot('boot-1')));
        await store.applyReport(report('r2', 'ro_2', 'dev_a', 'installed', 2, reboot('boot-2')));
        await store.applyReport(report('r3', 'ro_1', 'dev_b', 'installed', 3, reboot()));
        assert.equal(await store.deviceResults.booted('dev_a', 'boot-2'), 1);
        const flags = async (deviceId: string) =>
          (await store.deviceResults.recent(deviceId, 10)).map((r) => [
            r.rolloutId,
            r.rebootRequired,
          ]);
        assert.deepEqual(await flags('dev_a'), [
          ['ro_2', true],
          ['ro_1', false],
          ['ro_3', false], // pending since the rollout was created
        ]);
        assert.equal(await store.deviceResults.booted('dev_a', 'boot-2'), 0, 'same boot');
        assert.equal(await store.deviceResults.booted('dev_b', 'boot-9'), 0, 'no boot id: kept');
        assert.deepEqual(await store.deviceResults.awaitingReboot(), ['dev_a', 'dev_b']);
        assert.equal(await store.deviceResults.booted('dev_a', 'boot-3'), 1);
        assert.deepEqual(await store.deviceResults.awaitingReboot(), ['dev_b']);
        assert.equal(await store.deviceResults.booted('dev_unknown', 'boot-1'), 0);
      }),
    );

    test(
      'installed: per device and patch the newest install not rolled back, in report order',
      withStore(async (store) => {
        for (const id of ['dev_a', 'dev_b']) await store.createDevice(device(id));
        const versions = ['1.4.0', '1.6.0', '1.5.0'];
        for (const [i, v] of versions.entries())
          await store.createRollout(rollout(`ro_${i + 1}`, 'app', v), ['dev_a', 'dev_b']);
        await store.createRollout(rollout('ro_x', 'other', '9'), ['dev_a']);
        const installed = async (name?: string) =>
          (await store.deviceResults.installed(name)).map((r) => [
            r.deviceId,
            r.name,
            r.version,
            r.rolloutId,
          ]);
        assert.deepEqual(await installed(), []);
        // ro_1 and ro_3 on dev_a; ro_3 reported before ro_2 on dev_b: order of reports counts
        await store.applyReport(report('a1', 'ro_1', 'dev_a', 'installed', 1));
        await store.applyReport(report('a3', 'ro_3', 'dev_a', 'installed', 2));
        await store.applyReport(report('b3', 'ro_3', 'dev_b', 'installing', 3));
        await store.applyReport(report('b3b', 'ro_3', 'dev_b', 'installed', 4));
        await store.applyReport(report('b2', 'ro_2', 'dev_b', 'installed', 5));
        await store.applyReport(report('ax', 'ro_x', 'dev_a', 'installed', 6));
        assert.deepEqual(await installed('app'), [
          ['dev_a', 'app', '1.5.0', 'ro_3'],
          ['dev_b', 'app', '1.6.0', 'ro_2'],
        ]);
        assert.deepEqual(await installed(), [
          ['dev_a', 'app', '1.5.0', 'ro_3'],
          ['dev_a', 'other', '9', 'ro_x'],
          ['dev_b', 'app', '1.6.0', 'ro_2'],
        ]);
        const undo = (id: string, rolloutId: string, deviceId: string) =>
          store.rolloutEngine.applyRollback(report(id, rolloutId, deviceId, 'rolled-back', 7));
        assert.equal(await undo('u1', 'ro_3', 'dev_a'), 'applied');
        assert.equal(await undo('u2', 'ro_2', 'dev_b'), 'applied');
        assert.deepEqual(await installed('app'), [
          ['dev_a', 'app', '1.4.0', 'ro_1'],
          ['dev_b', 'app', '1.5.0', 'ro_3'],
        ]);
        assert.equal(await undo('u3', 'ro_1', 'dev_a'), 'applied');
        assert.deepEqual(await installed('app'), [['dev_b', 'app', '1.5.0', 'ro_3']]);
        const seqs = (await store.deviceResults.installed()).map((r) => r.seq);
        assert.ok(seqs.every((seq) => Number.isSafeInteger(seq) && seq > 0));
        assert.equal(new Set(seqs).size, seqs.length, 'unique');
        // a failed install (rolled back by the agent itself) is never in force
        await store.applyReport(report('f1', 'ro_1', 'dev_b', 'rolled-back', 8));
        assert.deepEqual(await installed('app'), [['dev_b', 'app', '1.5.0', 'ro_3']]);
      }),
    );
  });
}
