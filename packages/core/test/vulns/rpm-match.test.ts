/**
 * Matching RPM inventories against Red Hat, AlmaLinux and Rocky Linux advisories in OSV format
 * (test/data/vulns/rpm-advisories.json): the OS selects the ecosystem, the major release scopes
 * advisories, versions are EVRs in rpm's order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { indexAdvisories } from '../../src/vulns/advisory-index.js';
import { coverageOf } from '../../src/vulns/coverage.js';
import type { InventoryView, RpmEntry } from '../../src/vulns/inventory-view.js';
import { matchTargets } from '../../src/vulns/match.js';
import { targetsOf } from '../../src/vulns/match-target.js';
import { matchEcosystemOf } from '../../src/vulns/osv-ecosystem.js';
import type { OsvRecord } from '../../src/vulns/osv-record.js';
import { FIXTURES, parsed } from './fixtures.js';

function records(): OsvRecord[] {
  const json: unknown = JSON.parse(readFileSync(new URL('rpm-advisories.json', FIXTURES), 'utf8'));
  assert.ok(Array.isArray(json));
  return (json as unknown[]).map(parsed);
}

const PACKAGES: readonly RpmEntry[] = [
  { name: 'openssl', epoch: '1', version: '3.0.7', release: '24.el9', arch: 'x86_64' },
  { name: 'openssl-libs', epoch: '1', version: '3.0.7', release: '24.el9', arch: 'x86_64' },
  { name: 'openssl-libs', epoch: '1', version: '3.0.7', release: '24.el9', arch: 'i686' },
  { name: 'gnutls', version: '3.7.6', release: '23.el9_3', arch: 'x86_64' },
  { name: 'kernel-core', version: '5.14.0', release: '362.8.1.el9_3', arch: 'x86_64' },
  { name: 'kernel-core', version: '5.14.0', release: '362.13.1.el9_3', arch: 'x86_64' },
  { name: 'snapshot-tool', version: '1.0', release: '1.el9', arch: 'noarch' },
];

function host(id: string, versionId: string, rpm: readonly RpmEntry[] = PACKAGES): InventoryView {
  return { os: { id, versionId }, dpkg: [], npm: [], rpm };
}

function scan(inventory: InventoryView) {
  const result = matchTargets(targetsOf(inventory).targets, indexAdvisories(records()));
  assert.deepEqual(result.problems, []);
  return result.findings.map((f) => `${f.advisoryId} ${f.package} ${f.installedVersion}`).sort();
}

test('OSV ecosystem strings of the RPM distributions are supported, with their suffixes', () => {
  assert.equal(matchEcosystemOf('AlmaLinux:9'), 'AlmaLinux');
  assert.equal(matchEcosystemOf('Rocky Linux:8'), 'Rocky Linux');
  assert.equal(matchEcosystemOf('Red Hat:enterprise_linux:9::appstream'), 'Red Hat');
  assert.equal(matchEcosystemOf('Red Hat'), 'Red Hat');
  assert.equal(matchEcosystemOf('AlmaLinux:'), undefined);
  assert.equal(matchEcosystemOf('openEuler:22.03'), undefined);
});

test('AlmaLinux 9: binary packages below the fixed EVR (epoch included) are findings', () => {
  assert.deepEqual(scan(host('almalinux', '9.3')), [
    'ALSA-2024:0310 openssl 1:3.0.7-24.el9',
    'ALSA-2024:0310 openssl-libs 1:3.0.7-24.el9',
  ]);
});

test('both architectures of one EVR are one finding with both origins', () => {
  const inventory = host('almalinux', '9.3');
  const { findings } = matchTargets(targetsOf(inventory).targets, indexAdvisories(records()));
  const libs = findings.find((f) => f.package === 'openssl-libs');
  assert.deepEqual(libs?.origins, [
    'openssl-libs-1:3.0.7-24.el9.x86_64',
    'openssl-libs-1:3.0.7-24.el9.i686',
  ]);
  assert.equal(libs?.ecosystem, 'AlmaLinux:9');
  assert.equal(libs?.fixedVersion, '1:3.0.7-25.el9_3');
});

test('the major release scopes advisories: AlmaLinux 8 is not matched by AlmaLinux:9', () => {
  const el8 = [
    { name: 'openssl-libs', epoch: '1', version: '1.1.1k', release: '9.el8', arch: 'x86_64' },
  ];
  assert.deepEqual(scan(host('almalinux', '8.9', el8)), [
    'ALSA-2023:7877 openssl-libs 1:1.1.1k-9.el8',
  ]);
  const fixed = [{ ...el8[0], release: '12.el8_9' } as RpmEntry];
  assert.deepEqual(scan(host('almalinux', '8.9', fixed)), []);
});

test('Rocky Linux 9 is matched by Rocky Linux advisories only', () => {
  assert.deepEqual(scan(host('rocky', '9.3')), ['RLSA-2024:0155 gnutls 3.7.6-23.el9_3']);
});

test('RHEL 9: enterprise_linux streams apply; EUS streams name no host release', () => {
  assert.deepEqual(scan(host('rhel', '9.3')), [
    'RHSA-2024:0001 kernel-core 5.14.0-362.8.1.el9_3',
    'RHSA-2024:0001 snapshot-tool 1.0-1.el9',
    'RHSA-2024:0627 gnutls 3.7.6-23.el9_3',
  ]);
});

test('tilde and caret bound an OSV range as rpm orders them', () => {
  const only = (release: string, version: string) =>
    scan(host('rhel', '9.4', [{ name: 'snapshot-tool', version, release, arch: 'noarch' }]));
  assert.deepEqual(only('1.el9', '1.0~beta'), []);
  assert.deepEqual(only('1.el9', '1.0~rc1'), ['RHSA-2024:0001 snapshot-tool 1.0~rc1-1.el9']);
  assert.deepEqual(only('1.el9', '1.0^git20231201'), [
    'RHSA-2024:0001 snapshot-tool 1.0^git20231201-1.el9',
  ]);
  assert.deepEqual(only('1.el9', '1.0^git20240101'), []);
  assert.deepEqual(only('1.el9', '1.0.1'), []);
});

test('rpm packages on another RPM OS are noted, not matched, and shown in coverage', () => {
  const fedora = host('fedora', '40');
  assert.deepEqual(scan(fedora), []);
  assert.match(
    targetsOf(fedora).notes.join('\n'),
    /7 rpm packages were not matched: the OS is "fedora"/,
  );
  const index = indexAdvisories(records());
  const coverage = coverageOf(index, [
    { os: { id: 'fedora', versionId: '40' }, dpkg: 0, npm: 0, rpm: 7 },
    { os: { id: 'almalinux', versionId: '9.3' }, dpkg: 0, npm: 0, rpm: 7 },
    { os: { id: 'rhel', versionId: '9.3' }, dpkg: 0, npm: 0, rpm: 7 },
  ]);
  const rows = Object.fromEntries(coverage.rows.map((r) => [r.ecosystem, r]));
  assert.deepEqual(rows['AlmaLinux:9'], {
    ecosystem: 'AlmaLinux:9',
    devices: 1,
    advisories: 1,
    matched: true,
  });
  assert.deepEqual(rows['Red Hat:9'], {
    ecosystem: 'Red Hat:9',
    devices: 1,
    advisories: 2,
    matched: true,
  });
  assert.deepEqual(rows['rpm:fedora 40'], {
    ecosystem: 'rpm:fedora 40',
    devices: 1,
    advisories: 0,
    matched: false,
  });
  assert.equal(rows['AlmaLinux:8']?.devices, 0);
  assert.equal(rows['Rocky Linux:9']?.devices, 0);
});
