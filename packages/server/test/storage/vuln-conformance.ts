/**
 * The conformance suite of `Store.vulns`: written against the VulnStore interface only, run over
 * every adapter by packages/server/test/vulns/vuln-store.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceRecord, Store } from '../../src/storage/store.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';
const T2 = '2026-01-03T00:00:00.000Z';

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

const adv = (id: string, modified: string, body = id) => ({
  id,
  modified,
  json: JSON.stringify({ id, modified, body }),
});

export function vulnStoreConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`VulnStore conformance: ${name}`, () => {
    test('staged advisories and data stay invisible until commit, then appear at once', async () => {
      const store = await makeStore();
      try {
        const v = store.vulns;
        assert.equal(await v.generation(), 0);
        await v.createImport('imp1', T0);
        assert.equal(await v.stageAdvisories('imp1', [adv('A-1', T0), adv('A-2', T0)]), true);
        assert.equal(
          await v.stageAdvisories('imp1', []),
          true,
          'an empty batch: the import is open',
        );
        assert.equal(await v.stageAdvisories('nope', []), false, 'an empty batch: no such import');
        assert.equal(await v.stageData('imp1', 'kev', '{"k":1}'), true);
        assert.deepEqual(await v.advisories(), []);
        assert.equal(await v.data('kev'), undefined);
        const counts = await v.commitImport('imp1', T1);
        assert.deepEqual(counts, {
          staged: 2,
          added: 2,
          updated: 0,
          unchanged: 0,
          total: 2,
          data: ['kev'],
          generation: 1,
        });
        assert.deepEqual(
          (await v.advisories()).map((a) => a.id),
          ['A-1', 'A-2'],
        );
        assert.deepEqual(await v.data('kev'), { kind: 'kev', text: '{"k":1}', importedAt: T1 });
        assert.equal(await v.commitImport('imp1', T1), undefined, 'a commit happens once');
        assert.equal(await v.stageAdvisories('imp1', [adv('A-3', T0)]), false);
        assert.equal(await v.stageData('nope', 'kev', '{}'), false);
      } finally {
        await store.close();
      }
    });

    test('a record replaces the stored one only when it was modified later', async () => {
      const store = await makeStore();
      try {
        const v = store.vulns;
        await v.createImport('a', T0);
        await v.stageAdvisories('a', [adv('A-1', T1, 'first'), adv('A-2', T1)]);
        await v.commitImport('a', T1);
        await v.createImport('b', T1);
        await v.stageAdvisories('b', [
          adv('A-1', T2, 'newer'),
          adv('A-2', T0, 'older'),
          adv('A-3', T0),
        ]);
        await v.stageAdvisories('b', [adv('A-3', T0, 'same time, ignored')]);
        const counts = await v.commitImport('b', T2);
        assert.equal(counts?.staged, 3);
        assert.equal(counts?.added, 1);
        assert.equal(counts?.updated, 1);
        assert.equal(counts?.unchanged, 1);
        assert.equal(counts?.generation, 2);
        const byId = new Map((await v.advisories()).map((a) => [a.id, a.json]));
        assert.match(byId.get('A-1') ?? '', /newer/);
        assert.doesNotMatch(byId.get('A-2') ?? '', /older/);
        assert.doesNotMatch(byId.get('A-3') ?? '', /ignored/);
      } finally {
        await store.close();
      }
    });

    test('stale imports are dropped and can no longer commit', async () => {
      const store = await makeStore();
      try {
        const v = store.vulns;
        await v.createImport('old', T0);
        await v.stageAdvisories('old', [adv('A-1', T0)]);
        await v.createImport('new', T2);
        assert.equal(await v.dropStaleImports(T1), 1);
        assert.equal(await v.commitImport('old', T2), undefined);
        assert.equal((await v.commitImport('new', T2))?.staged, 0);
        assert.deepEqual(await v.advisories(), []);
      } finally {
        await store.close();
      }
    });

    test('inventories are stored per device and replaced', async () => {
      const store = await makeStore();
      try {
        await store.createDevice(device('dev_a'));
        await store.createDevice(device('dev_b'));
        const v = store.vulns;
        const inventory = (deviceId: string, digest: string, json: string, at: string) => ({
          deviceId,
          digest,
          json,
          receivedAt: at,
          collectedAt: at.replace('00:00:00', '00:00:01'),
          platform: `{"os":null,"dpkg":0,"npm":${json.length}}`,
        });
        await v.putInventory(inventory('dev_b', 'd1', '{"x":1}', T0));
        await v.putInventory(inventory('dev_b', 'd2', '{"x":2}', T1));
        await v.putInventory(inventory('dev_a', 'd3', '{}', T1));
        assert.deepEqual(await v.getInventory('dev_b'), inventory('dev_b', 'd2', '{"x":2}', T1));
        assert.equal(await v.getInventory('dev_c'), undefined);
        assert.deepEqual(await v.inventorySummaries(), [
          {
            deviceId: 'dev_a',
            collectedAt: '2026-01-02T00:00:01.000Z',
            platform: '{"os":null,"dpkg":0,"npm":2}',
          },
          {
            deviceId: 'dev_b',
            collectedAt: '2026-01-02T00:00:01.000Z',
            platform: '{"os":null,"dpkg":0,"npm":7}',
          },
        ]);
        assert.deepEqual(await v.inventoryDevices(), ['dev_a', 'dev_b']);
      } finally {
        await store.close();
      }
    });

    test('findings open, refresh, close with their patch, and reopen as a new finding', async () => {
      const store = await makeStore();
      try {
        await store.createDevice(device('dev_a'));
        await store.createDevice(device('dev_b'));
        const v = store.vulns;
        const open = (key: string, json = '{}') => ({
          key,
          advisoryId: key.split('|')[0] ?? key,
          json,
        });
        await v.applyFindings('dev_a', { open: [open('A-1|p'), open('A-2|p')], close: [] }, T0);
        await v.applyFindings('dev_b', { open: [open('A-1|p')], close: [] }, T0);
        await v.applyFindings(
          'dev_a',
          { open: [open('A-2|p', '{"v":2}')], close: [{ key: 'A-1|p', closedBy: 'fix@1' }] },
          T1,
        );
        const a = await v.findings({ deviceId: 'dev_a' });
        assert.deepEqual(
          a.map((f) => [f.key, f.firstSeenAt, f.closedAt, f.closedBy, f.json]),
          [
            ['A-1|p', T0, T1, 'fix@1', '{}'],
            ['A-2|p', T0, null, null, '{"v":2}'],
          ],
        );
        assert.equal((await v.findings({ state: 'open' })).length, 2);
        assert.equal((await v.findings({ state: 'closed' })).length, 1);
        await v.applyFindings('dev_a', { open: [open('A-1|p')], close: [] }, T2);
        const reopened = await v.findings({ deviceId: 'dev_a', state: 'open' });
        assert.deepEqual(
          reopened.map((f) => [f.key, f.firstSeenAt]),
          [
            ['A-1|p', T2],
            ['A-2|p', T0],
          ],
        );
        assert.equal((await v.findings({ deviceId: 'dev_a' })).length, 3);
      } finally {
        await store.close();
      }
    });

    test('persisted fixes are recorded once per device, patch and advisory', async () => {
      const store = await makeStore();
      try {
        await store.createDevice(device('dev_a'));
        await store.createDevice(device('dev_b'));
        const v = store.vulns;
        const row = (deviceId: string, patch: string, advisoryId: string, at: string) => ({
          deviceId,
          patch,
          advisoryId,
          at,
        });
        assert.deepEqual(await v.persistedFixes(), []);
        await v.recordPersistedFixes([]);
        await v.recordPersistedFixes([
          row('dev_b', 'fix@1', 'A-1', T0),
          row('dev_a', 'fix@1', 'A-1', T0),
          row('dev_a', 'fix@1', 'A-2', T0),
        ]);
        await v.recordPersistedFixes([
          row('dev_a', 'fix@1', 'A-1', T2),
          row('dev_a', 'b@1', 'A-1', T1),
        ]);
        assert.deepEqual(await v.persistedFixes(), [
          row('dev_a', 'b@1', 'A-1', T1),
          row('dev_a', 'fix@1', 'A-1', T0),
          row('dev_a', 'fix@1', 'A-2', T0),
          row('dev_b', 'fix@1', 'A-1', T0),
        ]);
      } finally {
        await store.close();
      }
    });
  });
}
