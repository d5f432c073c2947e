/**
 * Device identity changes (re-enrollment, key replacement, labels) and replacement enrollment
 * tokens: every Store adapter must pass these unchanged.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceRecord, Store } from '../../src/storage/store.js';

const T0 = '2026-01-01T00:00:00.000Z';
const inventory = { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: '1', installed: [] };

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

export function identityConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store identity conformance: ${name}`, () => {
    const withStore = (fn: (store: Store) => Promise<void>) => async () => {
      const store = await makeStore();
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    };

    test(
      'a replacement token keeps the device it replaces; a plain one has none',
      withStore(async (store) => {
        const token = { createdBy: 'admin', createdAt: T0, expiresAt: '2026-01-02T00:00:00.000Z' };
        await store.createEnrollToken({ ...token, id: 'enr_1', hash: 'h1', replaces: 'dev_a' });
        await store.createEnrollToken({ ...token, id: 'enr_2', hash: 'h2' });
        const bound = await store.findEnrollToken('h1');
        assert.equal(bound?.replaces, 'dev_a');
        assert.equal(bound?.createdBy, 'admin');
        assert.equal(bound?.usedAt, null);
        assert.equal((await store.findEnrollToken('h2'))?.replaces, undefined);
        assert.equal(await store.findEnrollToken('nope'), undefined);
        assert.equal(await store.consumeEnrollToken('h1', T0), 'ok');
        assert.equal((await store.findEnrollToken('h1'))?.usedAt, T0);
      }),
    );

    test(
      'a device is found by its key; a new key replaces the old one, id and labels kept',
      withStore(async (store) => {
        await store.createDevice(device('dev_a', { env: 'x' }));
        await store.touchDevice('dev_a', T0, { lastTimestampVersion: 9 });
        assert.equal((await store.findDeviceByKey(device('dev_a').publicKey))?.id, 'dev_a');
        const newKey = 'f'.repeat(64);
        const changed = await store.updateDevice('dev_a', {
          publicKey: newKey,
          name: 'new-host',
          resetTimestampVersion: true,
        });
        assert.equal(changed?.publicKey, newKey);
        const stored = await store.getDevice('dev_a');
        assert.deepEqual(stored, changed);
        assert.equal(stored?.name, 'new-host');
        assert.deepEqual(stored?.labels, { env: 'x' });
        assert.equal(stored?.lastTimestampVersion, 0);
        assert.equal(await store.findDeviceByKey(device('dev_a').publicKey), undefined);
        assert.equal((await store.findDeviceByKey(newKey))?.id, 'dev_a');
        assert.equal(await store.updateDevice('dev_none', { name: 'x' }), undefined);
      }),
    );

    test(
      'labels: set and remove, or replace the whole set; a key of another device is refused',
      withStore(async (store) => {
        await store.createDevice(device('dev_a', { env: 'prod', ring: 'stable' }));
        await store.createDevice(device('dev_b'));
        const set = await store.updateDevice('dev_a', {
          labels: { ring: 'canary', zone: 'eu' },
          removeLabels: ['env'],
        });
        assert.deepEqual(set?.labels, { ring: 'canary', zone: 'eu' });
        const exact = await store.updateDevice('dev_a', { labels: { a: '1' }, exactLabels: true });
        assert.deepEqual(exact?.labels, { a: '1' });
        assert.deepEqual((await store.listDevices()).find((d) => d.id === 'dev_a')?.labels, {
          a: '1',
        });
        await assert.rejects(
          store.updateDevice('dev_b', { publicKey: device('dev_a').publicKey }),
          Error,
          'public keys stay unique',
        );
      }),
    );

    test(
      'concurrent label changes of one device are all kept',
      withStore(async (store) => {
        await store.createDevice(device('dev_a'));
        const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
        await Promise.all(
          keys.map((key) => store.updateDevice('dev_a', { labels: { [key]: 'v' } })),
        );
        assert.deepEqual(
          Object.keys((await store.getDevice('dev_a'))?.labels ?? {}).sort(),
          [...keys].sort(),
        );
      }),
    );
  });
}
