/**
 * Recomputing findings on a real SQLite store: a finding closes only when the inventory no longer
 * holds an affected version; a new inventory names the last installed patch that claims the
 * fix; an import that closes a finding (the advisory changed) names none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PackageInventory } from '@patchcast/protocol';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { FindingsService } from '../../src/features/vulns/findings-service.js';
import type { PatchFix } from '../../src/features/vulns/patch-fixes.js';
import { VulnContextCache } from '../../src/features/vulns/vuln-context.js';
import { findingViews } from '../../src/features/vulns/finding-views.js';

const NOW = new Date('2026-03-02T00:00:00.000Z');

function inventory(lodash: string): PackageInventory {
  return {
    format: 'patchcast-inventory/v1',
    collectedAt: NOW.toISOString(),
    os: { id: 'debian', versionId: '12' },
    kernel: null,
    dpkg: [],
    npm: [
      { name: 'lodash', version: lodash, path: '/srv/app/package-lock.json#node_modules/lodash' },
    ],
  };
}

const advisory = (fixed: string, modified: string) => ({
  id: 'GHSA-1',
  modified,
  json: JSON.stringify({
    id: 'GHSA-1',
    modified,
    affected: [
      {
        package: { ecosystem: 'npm', name: 'lodash' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed }] }],
      },
    ],
  }),
});

const claim = (patch: string): PatchFix => ({
  patch,
  advisories: ['GHSA-1'],
  package: 'lodash',
  ecosystem: 'npm',
  fixedVersion: '4.17.21',
});

async function setup() {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'patchcast-fs-')), 's.db'));
  const installed = [
    { name: 'late-fix', version: '1.0.0', installedAt: '2026-03-01T12:00:00.000Z' },
    { name: 'early-fix', version: '1.0.0', installedAt: '2026-03-01T08:00:00.000Z' },
  ];
  for (const id of ['dev_a', 'dev_b'])
    await store.createDevice({
      id,
      name: id,
      publicKey: id.padEnd(64, '0'),
      labels: {},
      inventory: { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: '1', installed },
      enrolledAt: NOW.toISOString(),
      lastSeenAt: null,
      lastTimestampVersion: 0,
    });
  const fixes = [claim('early-fix@1.0.0'), claim('late-fix@1.0.0')];
  const service = new FindingsService({
    store,
    context: new VulnContextCache(store.vulns),
    fixes: { all: () => Promise.resolve(fixes) },
    now: () => NOW,
  });
  const putInventory = (deviceId: string, lodash: string) =>
    store.vulns.putInventory({
      deviceId,
      digest: lodash,
      json: JSON.stringify(inventory(lodash)),
      receivedAt: NOW.toISOString(),
      collectedAt: NOW.toISOString(),
      platform: '{}',
    });
  const importAdvisory = async (id: string, fixed: string, modified: string) => {
    await store.vulns.createImport(id, NOW.toISOString());
    await store.vulns.stageAdvisories(id, [advisory(fixed, modified)]);
    await store.vulns.commitImport(id, NOW.toISOString());
  };
  return { store, service, putInventory, importAdvisory };
}

test('a new inventory without the affected version closes the finding, naming the last installed claim', async () => {
  const { store, service, putInventory, importAdvisory } = await setup();
  try {
    await importAdvisory('i1', '4.17.21', '2026-01-01T00:00:00Z');
    await putInventory('dev_a', '4.17.20');
    await service.recompute('dev_a');
    assert.equal((await store.vulns.findings({ state: 'open' })).length, 1);
    await putInventory('dev_a', '4.17.19'); // another affected version: still open
    await service.recompute('dev_a');
    const open = await store.vulns.findings({ state: 'open' });
    assert.equal(open.length, 1);
    assert.match(open[0]?.json ?? '', /"installedVersion":"4\.17\.19"/);
    assert.deepEqual(
      (await store.vulns.persistedFixes()).map((p) => [p.deviceId, p.patch, p.advisoryId]),
      [
        ['dev_a', 'early-fix@1.0.0', 'GHSA-1'],
        ['dev_a', 'late-fix@1.0.0', 'GHSA-1'],
      ],
      'both claims were installed before this inventory, which still holds an affected version',
    );
    await putInventory('dev_a', '4.17.21');
    await service.recompute('dev_a');
    const [closed] = await store.vulns.findings({ state: 'closed' });
    assert.equal(closed?.closedBy, 'late-fix@1.0.0', 'the last installed of the claiming patches');
  } finally {
    await store.close();
  }
});

test('a finding that an import closes (the advisory changed) names no patch', async () => {
  const { store, service, putInventory, importAdvisory } = await setup();
  try {
    await importAdvisory('i1', '4.17.21', '2026-01-01T00:00:00Z');
    await putInventory('dev_b', '4.17.20');
    await service.recompute('dev_b');
    assert.equal((await store.vulns.findings({ state: 'open' })).length, 1);
    await importAdvisory('i2', '4.17.20', '2026-02-01T00:00:00Z'); // corrected: 4.17.20 is fixed
    assert.equal(await service.recomputeAll(), 1);
    const [closed] = await store.vulns.findings({ state: 'closed' });
    assert.ok(closed?.closedAt !== null);
    assert.equal(closed?.closedBy, null);
  } finally {
    await store.close();
  }
});

test("a removed device's findings leave the views (list, queue, report); a revoked one's stay", async () => {
  const { store, service, putInventory, importAdvisory } = await setup();
  try {
    await importAdvisory('i1', '4.17.21', '2026-01-01T00:00:00Z');
    for (const id of ['dev_a', 'dev_b']) {
      await putInventory(id, '4.17.20');
      await service.recompute(id);
    }
    const context = new VulnContextCache(store.vulns);
    const views = async () =>
      (await findingViews({ store, context: await context.current(), fixes: [], now: NOW }, {}))
        .map((v) => v.deviceId)
        .sort();
    assert.deepEqual(await views(), ['dev_a', 'dev_b']);
    await store.updateDevice('dev_a', { revokedAt: NOW.toISOString() });
    assert.deepEqual(await views(), ['dev_a', 'dev_b'], 'a revoked device is still in the fleet');
    await store.updateDevice('dev_b', { removedAt: NOW.toISOString() });
    assert.deepEqual(await views(), ['dev_a']);
  } finally {
    await store.close();
  }
});
