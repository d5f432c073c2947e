/**
 * The conformance suite of the console's sub-ports, `Store.consoleSessions` and
 * `Store.devicePages`: written against the Store interface only, run over every adapter by
 * console-store.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceRecord, ReportInput, Store } from '../../src/storage/store.js';
import type { ConsoleSessionRecord } from '../../src/storage/console-session-store.js';

const T0 = '2026-01-01T00:00:00.000Z';
const at = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;

function session(idHash: string, expiresMinute: number): ConsoleSessionRecord {
  return {
    idHash,
    tokenHash: 'token-hash',
    role: 'operator',
    devices: { labels: { env: 'lab' } },
    createdAt: at(0),
    lastSeenAt: at(0),
    expiresAt: at(expiresMinute),
  };
}

function device(i: number, labels: Record<string, string>): DeviceRecord {
  const id = `dev_${String(i).padStart(4, '0')}`;
  return {
    id,
    name: `Host-${String(999 - i).padStart(4, '0')}`,
    publicKey: id.padEnd(64, '0'),
    labels,
    inventory: { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: '1', installed: [] },
    enrolledAt: T0,
    lastSeenAt: null,
    lastTimestampVersion: 0,
  };
}

function installed(id: string, rolloutId: string, deviceId: string, reboot: boolean): ReportInput {
  const base = { reportId: id, rolloutId, deviceId, error: null, timings: null, at: at(1) };
  return { ...base, state: 'installed', rebootRequired: reboot };
}

export function consoleStoreConformance(name: string, makeStore: () => Promise<Store>): void {
  const withStore = (body: (store: Store) => Promise<void>) => async () => {
    const store = await makeStore();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };

  describe(`console sub-ports conformance: ${name}`, () => {
    test(
      'a session is found while live, touched, signed out, and swept once expired',
      withStore(async ({ consoleSessions: sessions }) => {
        await sessions.create(session('s1', 30));
        await sessions.create(session('s2', 10));
        const found = await sessions.findLive('s1', at(5));
        assert.deepEqual(found, session('s1', 30));
        assert.equal(await sessions.findLive('s2', at(10)), undefined, 'expired');
        assert.equal(await sessions.findLive('unknown', at(5)), undefined);
        await sessions.touch('s1', at(6));
        await sessions.touch('s1', at(4));
        assert.equal((await sessions.findLive('s1', at(7)))?.lastSeenAt, at(6));
        await sessions.revoke('s1', at(8));
        await sessions.revoke('s1', at(9));
        assert.equal(await sessions.findLive('s1', at(8)), undefined, 'signed out');
        assert.equal(await sessions.sweep(at(20)), 1, 'only the expired one goes');
        assert.equal(await sessions.sweep(at(31)), 1, 'the signed-out one once it expired');
        assert.equal(await sessions.sweep(at(31)), 0);
      }),
    );

    test(
      "a token keeps its newest sessions only; other tokens' stay",
      withStore(async ({ consoleSessions: sessions }) => {
        for (let i = 1; i <= 4; i++)
          await sessions.create({ ...session(`a${i}`, 30), createdAt: at(i) });
        await sessions.create({ ...session('b1', 30), tokenHash: 'other', createdAt: at(0) });
        await sessions.revoke('a4', at(5));
        assert.equal(await sessions.keepNewest('token-hash', 2), 2);
        const live = async (id: string) => (await sessions.findLive(id, at(6))) !== undefined;
        assert.deepEqual(await Promise.all(['a1', 'a2', 'a3', 'a4', 'b1'].map(live)), [
          false,
          false,
          true,
          false,
          true,
        ]);
        assert.equal(await sessions.keepNewest('token-hash', 2), 0);
      }),
    );

    test(
      'device pages: sorted by name, every match once, with the total',
      withStore(async (store) => {
        for (let i = 0; i < 120; i++)
          await store.createDevice(device(i, { env: i % 10 === 0 ? 'prod' : 'lab' }));
        await store.updateDevice('dev_0005', { removedAt: at(1) });
        const names: string[] = [];
        for (let offset = 0; offset < 150; offset += 50) {
          const page = await store.devicePages.page({ offset, limit: 50 });
          assert.equal(page.total, 119);
          names.push(...page.devices.map((d) => d.name));
        }
        const expected = Array.from({ length: 120 }, (_, i) => i)
          .filter((i) => i !== 5)
          .map((i) => device(i, {}).name)
          .sort();
        assert.deepEqual(names, expected);
        const first = (await store.devicePages.page({ offset: 0, limit: 1 })).devices[0];
        assert.deepEqual(first, device(119, { env: 'lab' }));
      }),
    );

    test(
      'device pages: text matches name or id without case, wildcards literally; label key=value',
      withStore(async (store) => {
        for (let i = 0; i < 120; i++)
          await store.createDevice(device(i, { env: i % 10 === 0 ? 'prod' : 'lab' }));
        const count = async (text?: string, label?: { key: string; value: string }) =>
          (await store.devicePages.page({ text, label, offset: 0, limit: 1000 })).total;
        assert.equal(await count('host-098'), 10);
        assert.equal(await count('DEV_0119'), 1);
        assert.equal(await count('%'), 0);
        assert.equal(await count('_'), 120, 'every id holds an underscore');
        assert.equal(await count(undefined, { key: 'env', value: 'prod' }), 12);
        assert.equal(await count(undefined, { key: 'env', value: '' }), 0);
        assert.equal(await count(undefined, { key: 'missing', value: 'prod' }), 0);
        assert.equal(await count('host-099', { key: 'env', value: 'prod' }), 1);
        const prod = await store.devicePages.page({
          label: { key: 'env', value: 'prod' },
          offset: 10,
          limit: 5,
        });
        assert.deepEqual(
          prod.devices.map((d) => d.id),
          ['dev_0010', 'dev_0000'],
        );
      }),
    );

    test(
      "a page's installs in force and reboot flags, of the devices asked for only",
      withStore(async (store) => {
        for (let i = 0; i < 3; i++) await store.createDevice(device(i, {}));
        const rollout = (id: string, version: string) => ({
          id,
          patch: { name: 'kernel', version },
          targetPath: `kernel/${version}/bundle.tar`,
          selector: { all: true as const },
          state: 'in-progress' as const,
          createdAt: T0,
          createdBy: 'test',
          completedAt: null,
        });
        await store.createRollout(rollout('ro_1', '1'), ['dev_0000', 'dev_0001', 'dev_0002']);
        await store.createRollout(rollout('ro_2', '2'), ['dev_0000']);
        await store.applyReport(installed('r1', 'ro_1', 'dev_0000', false));
        await store.applyReport(installed('r2', 'ro_2', 'dev_0000', true));
        await store.applyReport(installed('r3', 'ro_1', 'dev_0001', true));
        await store.applyReport(installed('r4', 'ro_1', 'dev_0002', false));
        const of = await store.devicePages.installedOf(['dev_0000', 'dev_0001']);
        assert.deepEqual(
          of.map((r) => [r.deviceId, r.version]),
          [
            ['dev_0000', '2'],
            ['dev_0001', '1'],
          ],
        );
        const all = await store.deviceResults.installed();
        assert.deepEqual(
          of,
          all.filter((r) => r.deviceId !== 'dev_0002'),
        );
        assert.deepEqual(await store.devicePages.installedOf([]), []);
        assert.deepEqual(
          await store.devicePages.awaitingRebootOf(['dev_0000', 'dev_0002', 'dev_x']),
          ['dev_0000'],
        );
        assert.deepEqual(await store.devicePages.awaitingRebootOf([]), []);
      }),
    );
  });
}
