/**
 * Findings that match reality, with real processes: three agents whose inventories (dpkg status,
 * os-release, an npm lockfile) are files in their managed roots, so installing a patch really
 * changes what they report. A patch that claims a fix but leaves the affected version installed
 * (the lockfile, or one binary of a Debian source package, unchanged) is shown as "installed,
 * finding persists" and is not recommended again, on any device when it persisted everywhere it
 * was installed; a patch that changes the inventory closes the finding. The queue has one row per
 * patch and advisory; imports and `vulns coverage` say which platforms no advisory covers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Harness, eventually } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { fixture } from './paths.js';

interface Fix {
  patch: string;
  state: string;
}
interface Finding {
  deviceName: string;
  advisoryId: string;
  state: string;
  installedVersion: string;
  origins: string[];
  closedBy: string | null;
  patches: string[];
  fixes: Fix[];
}
interface Group {
  patch: string | null;
  advisoryId: string;
  devices: number;
  notRecommended: { patch: string; state: string; devices: number }[];
}
interface Queue {
  groups: Group[];
  queue: Finding[];
  patches: { patch: string; devices: number }[];
}
/** Groups by advisory, then patch (their order is by risk, which the fixtures do not fix). */
const byAdvisory = (a: Group, b: Group) =>
  a.advisoryId.localeCompare(b.advisoryId) || (a.patch ?? '').localeCompare(b.patch ?? '');

interface CoverageRow {
  ecosystem: string;
  devices: number;
  advisories: number;
}

const GHSA = 'GHSA-35jh-r3h4-6jhm';
const DSA = 'DSA-5532-1';
const OLD = '3.0.11-1~deb12u1';
const NEW = '3.0.11-1~deb12u2';

function dpkgStatus(libssl: string, openssl: string): string {
  return [
    `Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\nVersion: ${libssl}\n`,
    `Package: openssl\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${openssl}\n`,
  ].join('\n');
}

function lockfile(lodash: string): string {
  return JSON.stringify({
    name: 'app',
    lockfileVersion: 3,
    packages: { '': { name: 'app' }, 'node_modules/lodash': { version: lodash } },
  });
}

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

async function startAgent(h: Harness, name: string, ring: string): Promise<void> {
  const { data, root } = h.agentDirs(name);
  await put(join(root, 'var/lib/dpkg/status'), dpkgStatus(OLD, OLD));
  await put(join(root, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\n');
  await put(join(root, 'srv/app/package-lock.json'), lockfile('4.17.20'));
  await put(
    join(data, 'inventory.json'),
    JSON.stringify({
      dpkgStatus: join(root, 'var/lib/dpkg/status'),
      osRelease: [join(root, 'etc/os-release')],
      npmLockfiles: [join(root, 'srv/app/package-lock.json')],
    }),
  );
  await h.startAgent(name, [`ring=${ring}`]);
}

const lodashClaim = {
  advisories: [GHSA],
  package: 'lodash',
  ecosystem: 'npm',
  fixedVersion: '4.17.21',
};
const opensslClaim = {
  advisories: [DSA],
  package: 'openssl',
  ecosystem: 'Debian:12',
  fixedVersion: NEW,
};

async function publishPatches(h: Harness): Promise<void> {
  const sources: [string, Record<string, string>, object][] = [
    // Claims the lodash fix, but only writes a note: the lockfile keeps 4.17.20.
    ['lodash-claim', { 'srv/app/NOTES': 'patched\n' }, lodashClaim],
    ['lodash-fix', { 'srv/app/package-lock.json': lockfile('4.17.21') }, lodashClaim],
    // Upgrades libssl3 but not the openssl binary: the source version 3.0.11-1~deb12u1 stays.
    ['openssl-partial', { 'var/lib/dpkg/status': dpkgStatus(NEW, OLD) }, opensslClaim],
  ];
  for (const [name, files, fix] of sources) {
    const dir = await writePatchSource(join(h.dir, `${name}-src`), files, { fixes: [fix] });
    await h.publish(dir, name, '1.0.0');
  }
}

async function rollOut(h: Harness, patch: string, devices: string): Promise<void> {
  const { id } = await h.cliJson<{ id: string }>(['rollout', 'start', patch, '--devices', devices]);
  const done = await h.settled<{ state: string }>(id);
  assert.equal(done.state, 'completed', `${patch} installs on ${devices}`);
}

const findings = async (h: Harness, state = 'open') =>
  (await h.cliJson<{ findings: Finding[] }>(['vulns', 'findings', '--state', state])).findings;

const stateOf = (f: Finding, patch: string) => f.fixes.find((x) => x.patch === patch)?.state;

test('findings follow the inventory; a claimed fix that changed nothing is shown and not recommended again', async () => {
  const h = await Harness.create();
  try {
    await h.startServer();
    await startAgent(h, 'web-1', 'a');
    await startAgent(h, 'web-2', 'a');
    await startAgent(h, 'web-3', 'b');

    // Coverage: with only Debian 10 and npm advisories, nothing covers the fleet's Debian 12.
    await eventually(async () => {
      const c = await h.cliJson<{ rows: CoverageRow[] }>(['vulns', 'coverage']);
      return c.rows.find((r) => r.ecosystem === 'Debian:12')?.devices === 3 ? c : undefined;
    }, 'three inventories');
    const first = await h.cliJson<{ coverage: { rows: CoverageRow[] } }>([
      'vulns',
      'import',
      fixture('advisories/debian/ELA-1000-1.json'),
      fixture('advisories/npm'),
    ]);
    assert.deepEqual(
      first.coverage.rows.map((r) => [r.ecosystem, r.devices, r.advisories]),
      [
        ['Debian:12', 3, 0],
        ['npm', 3, 2],
        ['Debian:10', 0, 1],
      ],
    );
    const again = await h.cli(['vulns', 'import', fixture('advisories/debian/ELA-1000-1.json')]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing changed/);
    assert.match(again.stdout, /no advisory covers Debian 12 \(3 devices\)/);
    assert.match(again.stdout, /Debian 10: 1 advisory, no device runs it/);
    const covered = await h.cliJson<{ coverage: { rows: CoverageRow[] } }>([
      'vulns',
      'import',
      fixture('advisories/debian/DSA-5532-1.json'),
    ]);
    assert.deepEqual(covered.coverage.rows[0], {
      ecosystem: 'Debian:12',
      devices: 3,
      advisories: 1,
      matched: true,
    });
    assert.match(
      (await h.cli(['vulns', 'coverage'])).stdout,
      /^Debian 12: 3 devices, 1 advisory$/m,
    );

    // Before any install: one queue row per patch and advisory, over the three devices.
    await eventually(async () => {
      const open = await findings(h);
      return open.filter((f) => [GHSA, DSA].includes(f.advisoryId)).length === 6 ? open : undefined;
    }, 'six findings');
    await publishPatches(h);
    const before = await h.cliJson<Queue>(['vulns', 'queue']);
    assert.deepEqual(
      before.groups.sort(byAdvisory).map((g) => [g.advisoryId, g.patch, g.devices]),
      [
        [DSA, 'openssl-partial@1.0.0', 3],
        [GHSA, 'lodash-claim@1.0.0', 3],
        [GHSA, 'lodash-fix@1.0.0', 3],
      ],
    );
    assert.equal(before.queue.length, 6, 'the per-finding view is still there');

    // Patches that claim a fix and leave the affected version installed.
    await rollOut(h, 'lodash-claim@1.0.0', 'ring=a');
    await rollOut(h, 'openssl-partial@1.0.0', 'all');
    const persisting = await eventually(async () => {
      const open = await findings(h);
      const dsa = open.filter((f) => f.advisoryId === DSA);
      const ghsa = open.filter((f) => f.advisoryId === GHSA);
      const settled =
        dsa.every((f) => stateOf(f, 'openssl-partial@1.0.0') === 'installed-finding-persists') &&
        ghsa.filter((f) => stateOf(f, 'lodash-claim@1.0.0') === 'installed-finding-persists')
          .length === 2;
      return settled && dsa.length === 3 && ghsa.length === 3 ? open : undefined;
    }, 'the installed claims to show as persisting');
    for (const f of persisting.filter((x) => x.advisoryId === DSA)) {
      assert.equal(f.installedVersion, OLD, 'the source version the openssl binary still has');
      assert.deepEqual(f.origins, [`openssl:amd64 ${OLD}`], 'libssl3 no longer holds it');
      assert.deepEqual(f.patches, [], 'nothing else claims the fix');
    }
    const web3 = persisting.find((f) => f.advisoryId === GHSA && f.deviceName === 'web-3');
    assert.deepEqual(web3?.fixes, [
      { patch: 'lodash-claim@1.0.0', state: 'ineffective' },
      { patch: 'lodash-fix@1.0.0', state: 'recommended' },
    ]);
    assert.ok(persisting.every((f) => !f.patches.includes('lodash-claim@1.0.0')));

    const queue = await h.cliJson<Queue>(['vulns', 'queue']);
    assert.deepEqual(
      queue.groups
        .sort(byAdvisory)
        .map((g) => [g.advisoryId, g.patch, g.devices, g.notRecommended]),
      [
        [
          DSA,
          null,
          3,
          [{ patch: 'openssl-partial@1.0.0', state: 'installed-finding-persists', devices: 3 }],
        ],
        [
          GHSA,
          'lodash-fix@1.0.0',
          3,
          [
            { patch: 'lodash-claim@1.0.0', state: 'ineffective', devices: 1 },
            { patch: 'lodash-claim@1.0.0', state: 'installed-finding-persists', devices: 2 },
          ],
        ],
      ],
    );
    assert.deepEqual(
      queue.patches.map((p) => [p.patch, p.devices]),
      [['lodash-fix@1.0.0', 3]],
    );
    const text = (await h.cli(['vulns', 'queue'])).stdout;
    assert.match(
      text,
      /DSA-5532-1 +openssl .*no patch recommended for 3 devices; openssl-partial@1\.0\.0 installed, finding persists \(3 devices\)/,
    );
    assert.match(text, /GHSA-35jh-r3h4-6jhm +lodash .*lodash-fix@1\.0\.0 closes it on 3 devices/);
    const byDevice = (await h.cli(['vulns', 'queue', '--by', 'device'])).stdout;
    assert.equal(byDevice.match(/installed, finding persists/g)?.length, 5, byDevice);
    assert.match(
      (await h.cli(['vulns', 'findings'])).stdout,
      /web-1 +DSA-5532-1 .*open; openssl-partial@1\.0\.0 installed, finding persists/,
    );
    const report = await h.cliJson<{
      totals: { findingPersists: number };
      findingPersists: { name: string; advisoryId: string; patches: string[] }[];
    }>(['report', 'compliance']);
    assert.equal(report.totals.findingPersists, 5);
    assert.deepEqual(
      report.findingPersists
        .filter((r) => r.advisoryId === GHSA)
        .map((r) => [r.name, r.patches])
        .sort(),
      [
        ['web-1', ['lodash-claim@1.0.0']],
        ['web-2', ['lodash-claim@1.0.0']],
      ],
    );

    // A patch that changes the lockfile closes the finding, and only that one is named.
    await rollOut(h, 'lodash-fix@1.0.0', 'all');
    const closed = await eventually(async () => {
      const list = (await findings(h, 'closed')).filter((f) => f.advisoryId === GHSA);
      return list.length === 3 ? list : undefined;
    }, 'the lodash findings to close');
    assert.deepEqual(
      closed.map((f) => f.closedBy),
      ['lodash-fix@1.0.0', 'lodash-fix@1.0.0', 'lodash-fix@1.0.0'],
    );
    const after = await h.cliJson<Queue>(['vulns', 'queue']);
    assert.deepEqual(
      after.groups.map((g) => [g.advisoryId, g.patch]),
      [[DSA, null]],
    );
  } finally {
    await h.close();
  }
});
