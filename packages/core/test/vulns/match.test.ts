/** Matching an inventory against indexed advisories: source packages, releases, de-duplication. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexAdvisories } from '../../src/vulns/advisory-index.js';
import type { InventoryView } from '../../src/vulns/inventory-view.js';
import { matchTargets } from '../../src/vulns/match.js';
import { targetsOf } from '../../src/vulns/match-target.js';
import type { OsvRecord } from '../../src/vulns/osv-record.js';
import { osvJson, parsed } from './fixtures.js';

const FIX = (fixed: string) => [{ events: [{ introduced: '0' }, { fixed }] }];

function record(id: string, ecosystem: string, name: string, fixed: string, extra = {}): OsvRecord {
  return parsed(osvJson(ecosystem, name, FIX(fixed), { id, ...extra }));
}

const DEBIAN_12: InventoryView = {
  os: { id: 'debian', versionId: '12', versionCodename: 'bookworm' },
  dpkg: [
    {
      name: 'libssl3',
      version: '3.0.11-1~deb12u1',
      architecture: 'amd64',
      source: 'openssl',
      sourceVersion: '3.0.11-1~deb12u1',
    },
    {
      name: 'openssl',
      version: '3.0.11-1~deb12u1',
      architecture: 'amd64',
      source: 'openssl',
      sourceVersion: '3.0.11-1~deb12u1',
    },
    {
      name: 'libc6',
      version: '2.36-9+deb12u3',
      architecture: 'amd64',
      source: 'glibc',
      sourceVersion: '2.36-9+deb12u3',
    },
    {
      name: 'bash',
      version: '5.2.15-2+b2',
      architecture: 'amd64',
      source: 'bash',
      sourceVersion: '5.2.15-2',
    },
  ],
  npm: [
    { name: 'minimist', version: '1.2.5', path: 'app/package-lock.json#node_modules/minimist' },
    {
      name: 'minimist',
      version: '1.2.5',
      path: 'app/package-lock.json#node_modules/x/node_modules/minimist',
    },
  ],
  pypi: [{ name: 'Django_Rest.Framework', version: '3.0', path: 'site-packages' }],
};

function scan(records: readonly OsvRecord[], inventory: InventoryView = DEBIAN_12) {
  return matchTargets(targetsOf(inventory).targets, indexAdvisories(records));
}

test('Debian advisories name the source package; all its binaries are one finding', () => {
  const { findings } = scan([record('DSA-1', 'Debian:12', 'openssl', '3.0.11-1~deb12u2')]);
  assert.equal(findings.length, 1);
  const [f] = findings;
  assert.equal(f?.package, 'openssl');
  assert.equal(f?.fixedVersion, '3.0.11-1~deb12u2');
  assert.deepEqual(f?.origins, [
    'libssl3:amd64 3.0.11-1~deb12u1',
    'openssl:amd64 3.0.11-1~deb12u1',
  ]);
  assert.deepEqual(f?.cves, ['CVE-2024-0001']);
});

test('an advisory naming a binary package does not match its source', () => {
  assert.equal(scan([record('DSA-2', 'Debian:12', 'libssl3', '9.9-1')]).findings.length, 0);
});

test('Debian versions compared are source versions (binNMU +b2 is not the source version)', () => {
  const fixedAtSource = scan([record('DSA-3', 'Debian:12', 'bash', '5.2.15-2')]);
  assert.equal(fixedAtSource.findings.length, 0);
  const later = scan([record('DSA-4', 'Debian:12', 'bash', '5.2.15-3')]);
  assert.equal(later.findings[0]?.installedVersion, '5.2.15-2');
});

test('the Debian release must match os-release; no release applies to all', () => {
  assert.equal(scan([record('ELA-1', 'Debian:10', 'glibc', '9.0')]).findings.length, 0);
  assert.equal(scan([record('DSA-5', 'Debian', 'glibc', '9.0')]).findings.length, 1);
  const elts: InventoryView = { ...DEBIAN_12, os: { id: 'debian', versionId: '10' } };
  assert.equal(scan([record('ELA-1', 'Debian:10', 'glibc', '9.0')], elts).findings.length, 1);
});

test('dpkg packages on another OS are not matched, and that is said', () => {
  const ubuntu: InventoryView = { ...DEBIAN_12, os: { id: 'ubuntu', versionId: '22.04' } };
  const { targets, notes } = targetsOf(ubuntu);
  assert.equal(targets.filter((t) => t.ecosystem === 'Debian').length, 0);
  assert.match(notes[0] ?? '', /4 dpkg packages were not matched: the OS is "ubuntu"/);
});

test('npm: one finding per distinct version, with every lockfile path', () => {
  const { findings } = scan([record('GHSA-1', 'npm', 'minimist', '1.2.6')]);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.origins.length, 2);
});

test('PyPI names are compared PEP 503-normalised', () => {
  const { findings } = scan([record('PYSEC-1', 'PyPI', 'django-rest-framework', '3.1')]);
  assert.equal(findings.length, 1);
});

test('withdrawn records never match; of two copies the later modified wins', () => {
  const withdrawn = record('GHSA-2', 'npm', 'minimist', '9.0.0', {
    withdrawn: '2024-06-01T00:00:00Z',
  });
  assert.equal(scan([withdrawn]).findings.length, 0);
  const old = record('GHSA-3', 'npm', 'minimist', '9.0.0', { modified: '2024-01-01T00:00:00Z' });
  const fixedEarlier = record('GHSA-3', 'npm', 'minimist', '1.0.0', {
    modified: '2024-02-01T00:00:00Z',
  });
  for (const order of [
    [old, fixedEarlier],
    [fixedEarlier, old],
  ]) {
    const index = indexAdvisories(order);
    assert.equal(index.duplicates, 1);
    assert.equal(matchTargets(targetsOf(DEBIAN_12).targets, index).findings.length, 0);
  }
});

test('unsupported ecosystems are counted, never matched', () => {
  const index = indexAdvisories([
    record('GO-1', 'Go', 'minimist', '9.0.0'),
    record('X-1', 'npm:custom', 'minimist', '9.0.0'),
  ]);
  assert.deepEqual(Object.fromEntries(index.unsupported), { Go: 1, npm: 1 });
  assert.equal(matchTargets(targetsOf(DEBIAN_12).targets, index).findings.length, 0);
});

test('an installed version its ecosystem cannot order is reported as a problem', () => {
  const inventory: InventoryView = {
    os: null,
    dpkg: [],
    npm: [{ name: 'left-pad', version: 'latest', path: 'p' }],
  };
  const result = scan([record('GHSA-4', 'npm', 'left-pad', '1.3.0')], inventory);
  assert.equal(result.findings.length, 0);
  assert.equal(result.problems[0]?.advisoryId, 'GHSA-4');
  assert.match(result.problems[0]?.reason ?? '', /Invalid npm version "latest"/);
});
