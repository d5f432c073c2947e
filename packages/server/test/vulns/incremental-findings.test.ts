/**
 * Advisory imports recompute only the devices that hold a package the changed advisories name
 * (issue 20 item 4), and the findings are those of a full recompute: after every import of a
 * seeded sequence (new advisories, updates that move an advisory to other packages, withdrawals,
 * release-scoped entries, PyPI names spelled differently, new inventories in between) the open
 * findings equal core matching of every device against every stored advisory, and the whole
 * findings table equals that of a second store where every device is recomputed after each
 * import. Runs on SQLite and PostgreSQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexAdvisories, matchTargets, parseOsvRecord, targetsOf } from '@patchcast/core';
import type { OsvRecord } from '@patchcast/core';
import { inventoryUpdateParts } from '@patchcast/protocol';
import type { PackageInventory } from '@patchcast/protocol';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import type { Store } from '../../src/storage/store.js';
import { LocalArtifactStore } from '../../src/artifacts/local-artifact-store.js';
import { CurrentView } from '../../src/features/repository/current-view.js';
import { VulnFeature } from '../../src/features/vulns/vuln-feature.js';
import { FindingsService, findingKey } from '../../src/features/vulns/findings-service.js';
import { VulnContextCache } from '../../src/features/vulns/vuln-context.js';
import { pgTestDatabase } from '../storage/pg-test-db.js';

const pgDb = await pgTestDatabase();
const DEVICES = 24;
const NPM = ['lodash', 'minimist', 'express', 'qs', 'debug', 'ms', 'semver', 'ws'];
const DEBIAN = ['openssl', 'glibc', 'curl', 'zlib', 'bash', 'sudo'];
const PYPI = ['requests', 'Django', 'PyYAML', 'zope.interface'];

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)] as T;

function inventoryOf(random: () => number, at: string): PackageInventory {
  const some = <T>(list: readonly T[]) => list.filter(() => random() < 0.4);
  const v = () => `1.${Math.floor(random() * 6)}.0`;
  return {
    format: 'patchcast-inventory/v1',
    collectedAt: at,
    os: { id: 'debian', versionId: '12' },
    kernel: null,
    dpkg: some(DEBIAN).map((name) => {
      const version = `${1 + Math.floor(random() * 4)}.0-1`;
      const status = 'installed' as const;
      return { name, version, architecture: 'amd64', source: name, sourceVersion: version, status };
    }),
    npm: some(NPM).map((name) => ({ name, version: v(), path: `/srv/lock.json#${name}` })),
    pypi: some(PYPI).map((name) => ({
      name: random() < 0.5 ? name.toLowerCase().replace('.', '_') : name,
      version: v(),
      path: `/srv/venv/${name}`,
    })),
  };
}

/** One OSV record on one or two packages; `modified` orders its versions. */
function advisory(random: () => number, id: string, modified: string, withdrawn = false): unknown {
  const affected = Array.from({ length: 1 + Math.floor(random() * 2) }, () => {
    const kind = pick(random, ['npm', 'Debian', 'PyPI'] as const);
    if (kind === 'Debian') {
      const fixed = `${2 + Math.floor(random() * 2)}.0-1`;
      const release = random() < 0.2 ? '11' : '12';
      const package_ = { ecosystem: `Debian:${release}`, name: pick(random, DEBIAN) };
      const events = [{ introduced: '0' }, { fixed }];
      return { package: package_, ranges: [{ type: 'ECOSYSTEM', events }] };
    }
    const name = kind === 'npm' ? pick(random, NPM) : pick(random, PYPI);
    if (random() < 0.2) return { package: { ecosystem: kind, name }, versions: ['1.1.0', '1.3.0'] };
    const fixed = `1.${1 + Math.floor(random() * 5)}.0`;
    const type = kind === 'npm' ? 'SEMVER' : 'ECOSYSTEM';
    const ranges = [{ type, events: [{ introduced: '0' }, { fixed }] }];
    return { package: { ecosystem: kind, name }, ranges };
  });
  return { id, modified, ...(withdrawn ? { withdrawn: modified } : {}), affected };
}

interface Side {
  readonly store: Store;
  readonly feature: VulnFeature;
  readonly full: FindingsService;
}

function side(store: Store, now: () => Date): Side {
  const artifacts = new LocalArtifactStore(mkdtempSync(join(tmpdir(), 'patchcast-art-')));
  const feature = new VulnFeature({
    store,
    artifacts,
    now,
    repository: { view: new CurrentView({ store, now }) },
  });
  const fixes = { all: () => Promise.resolve([]) };
  const context = new VulnContextCache(store.vulns);
  return { store, feature, full: new FindingsService({ store, context, fixes, now }) };
}

async function enroll(store: Store, id: string, at: string): Promise<void> {
  await store.createDevice({
    id,
    name: id,
    publicKey: id.padEnd(64, '0'),
    labels: {},
    inventory: { hostname: id, os: 'linux', arch: 'x64', agentVersion: '1', installed: [] },
    enrolledAt: at,
    lastSeenAt: null,
    lastTimestampVersion: 0,
  });
}

async function sendInventory(s: Side, id: string, next: PackageInventory, n: number) {
  for (const part of inventoryUpdateParts({
    updateId: `update-${String(n).padStart(4, '0')}`,
    base: undefined,
    next,
  })) {
    const answer = await s.feature.receiveInventory(id, part);
    assert.ok(answer === undefined || answer.type === 'inventory-ack', JSON.stringify(answer));
  }
}

async function importRecords(s: Side, records: readonly unknown[]) {
  const id = await s.feature.imports.create();
  await s.feature.imports.stageAdvisories(id, records, undefined);
  return s.feature.commitImport(id);
}

/** Core matching of every device against every stored advisory: the oracle of open findings. */
async function oracle(store: Store): Promise<string[]> {
  const records: OsvRecord[] = [];
  for (const row of await store.vulns.advisories()) {
    const parsed = parseOsvRecord(JSON.parse(row.json) as unknown);
    if (parsed.ok) records.push(parsed.record);
  }
  const index = indexAdvisories(records);
  const out: string[] = [];
  for (const id of await store.vulns.inventoryDevices()) {
    const stored = await store.vulns.getInventory(id);
    const inventory = JSON.parse(stored?.json ?? '{}') as PackageInventory;
    const found = new Map<string, string>();
    for (const f of matchTargets(targetsOf(inventory).targets, index).findings)
      found.set(findingKey(f), JSON.stringify(f));
    for (const [key, json] of found) out.push(`${id} ${key} ${json}`);
  }
  return out.sort();
}

async function table(store: Store, state: 'open' | 'all'): Promise<string[]> {
  const rows = await store.vulns.findings({ state });
  return rows
    .map((f) =>
      state === 'open'
        ? `${f.deviceId} ${f.key} ${f.json}`
        : JSON.stringify([f.deviceId, f.key, f.json, f.firstSeenAt, f.closedAt, f.closedBy]),
    )
    .sort();
}

async function scenario(open: () => Promise<Store>): Promise<void> {
  let clock = Date.parse('2026-03-01T00:00:00.000Z');
  const now = () => new Date(clock);
  const a = side(await open(), now);
  const b = side(await open(), now);
  const random = prng(20);
  const ids = Array.from({ length: DEVICES }, (_, i) => `dev_${String(i).padStart(2, '0')}`);
  const inventories = ids.map(() => inventoryOf(random, now().toISOString()));
  for (const s of [a, b]) {
    for (const [i, id] of ids.entries()) {
      await enroll(s.store, id, now().toISOString());
      await sendInventory(s, id, inventories[i] as PackageInventory, 0);
    }
  }
  let version = 0;
  const stamp = () =>
    new Date(Date.parse('2025-01-01T00:00:00Z') + ++version * 60_000).toISOString();
  const live = new Set<string>();
  let proportional = false;
  for (let round = 0; round < 12; round++) {
    clock += 3_600_000;
    const batch: unknown[] = [];
    for (const id of live)
      if (random() < 0.15) batch.push(advisory(random, id, stamp(), random() < 0.2));
    const fresh = round === 0 ? 12 : 1 + Math.floor(random() * 2);
    for (let i = 0; i < fresh; i++) {
      const id = `ADV-${live.size}`;
      live.add(id);
      batch.push(advisory(random, id, stamp()));
    }
    if (round % 4 === 3) {
      const i = Math.floor(random() * DEVICES);
      const next = inventoryOf(random, now().toISOString());
      for (const s of [a, b]) await sendInventory(s, ids[i] as string, next, round);
    }
    const summaryA = await importRecords(a, batch);
    await importRecords(b, batch);
    await b.full.recomputeAll();
    if (round > 0 && summaryA.devicesRecomputed < DEVICES) proportional = true;
    assert.deepEqual(await table(a.store, 'open'), await oracle(a.store), `round ${round}`);
    assert.deepEqual(await table(a.store, 'all'), await table(b.store, 'all'), `round ${round}`);
  }
  assert.ok(proportional, 'some import recomputed fewer devices than the fleet');
  assert.ok((await table(a.store, 'all')).length > (await table(a.store, 'open')).length);
  await a.store.close();
  await b.store.close();
}

test('incremental imports give the findings of a full recompute (SQLite)', async () => {
  await scenario(() =>
    Promise.resolve(new SqliteStore(join(mkdtempSync(join(tmpdir(), 'patchcast-inc-')), 's.db'))),
  );
});

test(
  'incremental imports give the findings of a full recompute (PostgreSQL)',
  {
    skip: pgDb.available ? false : pgDb.reason,
  },
  async () => {
    if (!pgDb.available) return;
    await scenario(() => pgDb.openStore());
  },
);
