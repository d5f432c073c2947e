/**
 * Imports of the real published data in ../shared/data (skipped visibly when absent), through
 * the feature the HTTP routes call: the KEV catalog (and the Go advisories where present)
 * import; a staged batch holding one of the Debian ELTS set's bad records is refused, since the
 * CLI skips bad records before it sends them (packages/cli/test/vulns/vulns-import.test.ts
 * imports the whole set through the CLI); the good records give a Debian 10 host the findings
 * OSV semantics say it has; importing the same data again changes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchcastError, parseOsvRecord } from '@patchcast/core';
import { inventoryUpdateParts } from '@patchcast/protocol';
import type { PackageInventory } from '@patchcast/protocol';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { LocalArtifactStore } from '../../src/artifacts/local-artifact-store.js';
import { CurrentView } from '../../src/features/repository/current-view.js';
import { VulnFeature } from '../../src/features/vulns/vuln-feature.js';

const DATA = new URL('../../../../../../shared/data/', import.meta.url).pathname;
const NOW = new Date('2026-03-01T00:00:00.000Z');

function records(dir: string): { value: unknown; file: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ value: JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown, file: f }));
}

async function stage(feature: VulnFeature, id: string, all: { value: unknown; file: string }[]) {
  for (let i = 0; i < all.length; i += 1000) {
    const batch = all.slice(i, i + 1000);
    await feature.imports.stageAdvisories(
      id,
      batch.map((r) => r.value),
      batch.map((r) => r.file),
    );
  }
}

function debian10Host(): PackageInventory {
  const pkg = (name: string, version: string) => ({
    name,
    version,
    architecture: 'amd64',
    source: 'openssl',
    sourceVersion: version,
    status: 'installed' as const,
  });
  return {
    format: 'patchcast-inventory/v1',
    collectedAt: NOW.toISOString(),
    os: { id: 'debian', versionId: '10', versionCodename: 'buster' },
    kernel: null,
    dpkg: [pkg('openssl', '1.1.1n-0+deb10u6'), pkg('libssl1.1', '1.1.1n-0+deb10u6')],
    npm: [],
  };
}

const present =
  existsSync(join(DATA, 'osv/debian-elts')) &&
  existsSync(join(DATA, 'kev/known_exploited_vulnerabilities.json'));
const goPresent = existsSync(join(DATA, 'osv/go'));

test('real OSV and KEV data: a dirty ELTS batch is refused, clean ELTS finds openssl', async (t) => {
  if (!present) {
    t.skip(`../shared/data/osv/debian-elts or kev is absent (looked in ${DATA})`);
    return;
  }
  if (!goPresent)
    t.diagnostic('../shared/data/osv/go is absent: only KEV goes in the first import');
  const dir = mkdtempSync(join(tmpdir(), 'patchcast-real-'));
  const store = new SqliteStore(join(dir, 's.db'));
  try {
    await store.createDevice({
      id: 'dev_buster',
      name: 'buster',
      publicKey: 'b'.repeat(64),
      labels: { exposure: 'internet' },
      inventory: { hostname: 'h', os: 'linux', arch: 'x64', agentVersion: '1', installed: [] },
      enrolledAt: NOW.toISOString(),
      lastSeenAt: null,
      lastTimestampVersion: 0,
    });
    const feature = new VulnFeature({
      store,
      artifacts: new LocalArtifactStore(dir),
      now: () => NOW,
      repository: { view: new CurrentView({ store, now: () => NOW }) },
    });
    const go = goPresent ? records(join(DATA, 'osv/go')) : [];
    const first = await feature.imports.create();
    await stage(feature, first, go);
    const kev = readFileSync(join(DATA, 'kev/known_exploited_vulnerabilities.json'), 'utf8');
    assert.equal(await feature.imports.stageData(first, 'kev', kev, 'kev.json'), 1404);
    const summary = await feature.commitImport(first);
    assert.equal(summary.advisories.added, go.length);
    assert.deepEqual(summary.data, ['kev']);

    const elts = records(join(DATA, 'osv/debian-elts'));
    const second = await feature.imports.create();
    await assert.rejects(stage(feature, second, elts), (e: unknown) => {
      assert.ok(e instanceof PatchcastError);
      assert.equal(e.code, 'ADVISORY_INVALID');
      assert.match(e.message, /^ELA-\d+-1\.json \(id ELA-\d+-1\): affected\[\d+\]\.ranges/);
      return true;
    });
    assert.equal((await store.vulns.advisories()).length, go.length, 'nothing of it is stored');

    const clean = elts.filter((r) => parseOsvRecord(r.value).ok);
    assert.equal(clean.length, 1694);
    const third = await feature.imports.create();
    await stage(feature, third, clean);
    assert.equal((await feature.commitImport(third)).advisories.added, 1694);
    const [part] = inventoryUpdateParts({
      updateId: 'update-1',
      base: undefined,
      next: debian10Host(),
    });
    const answer = await feature.receiveInventory('dev_buster', part);
    assert.equal(answer?.type, 'inventory-ack');
    const findings = await feature.findings({ deviceId: 'dev_buster', state: 'open' });
    const ela = findings.find((f) => f.advisoryId === 'ELA-1256-1');
    assert.ok(ela !== undefined, 'ELA-1256-1 (fixed in 1.1.1n-0+deb10u7) affects 1.1.1n-0+deb10u6');
    assert.equal(ela.fixedVersion, '1.1.1n-0+deb10u7');
    assert.deepEqual(ela.origins, [
      'libssl1.1:amd64 1.1.1n-0+deb10u6',
      'openssl:amd64 1.1.1n-0+deb10u6',
    ]);
    assert.ok(findings.every((f) => f.ecosystem === 'Debian:10' && f.package === 'openssl'));
    assert.ok(ela.risk.factors.length === 5 && ela.deadline.reasons.length === 4, 'explained');

    // The same records and KEV catalog again: nothing changes, nothing is recomputed.
    const fourth = await feature.imports.create();
    await stage(feature, fourth, clean);
    assert.equal(await feature.imports.stageData(fourth, 'kev', kev, 'kev.json'), 1404);
    const again = await feature.commitImport(fourth);
    assert.deepEqual(
      [again.advisories.unchanged, again.advisories.added, again.data, again.devicesRecomputed],
      [1694, 0, [], 0],
    );
    assert.deepEqual(await feature.findings({ deviceId: 'dev_buster', state: 'open' }), findings);
  } finally {
    await store.close();
  }
});
