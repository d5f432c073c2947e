/** The whole collector on fixtures: one inventory document, warnings alongside. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectPackageInventory } from '../../src/inventory/collect.js';
import { fixture } from './paths.js';

test('fixtures make one inventory with os, kernel, dpkg and npm', async () => {
  const { inventory, warnings } = await collectPackageInventory({
    dpkgStatusPath: fixture('dpkg-status'),
    osReleasePaths: [fixture('os-release-debian12')],
    npmLockfiles: [fixture('package-lock.json'), fixture('package-lock-v1.json')],
    npmGlobalRoots: ['/nonexistent/node_modules'],
    hostname: 'web-1',
    kernelRelease: () => '6.1.0-18-amd64',
    now: () => new Date('2025-03-01T12:00:00Z'),
  });
  assert.equal(inventory.format, 'patchcast-inventory/v1');
  assert.equal(inventory.collectedAt, '2025-03-01T12:00:00.000Z');
  assert.deepEqual(inventory.kernel, { release: '6.1.0-18-amd64' });
  assert.equal(inventory.os?.versionId, '12');
  assert.equal(inventory.dpkg.length, 4);
  assert.equal(inventory.npm.length, 5);
  assert.deepEqual(
    warnings.map((w) => w.reason.replace(fixture(''), '')),
    [
      'broken: malformed Status "install ok"',
      'noversion: Version and Architecture are required',
      'weird-source: malformed Source "Not A Name (1.0)"',
      'node_modules/nover: no name or version',
      'package-lock-v1.json is not an npm lockfile v2 or v3: lockfileVersion is 1.',
      'not a folder',
    ],
  );
});

test('a host without dpkg or os-release still gives an inventory', async () => {
  const { inventory } = await collectPackageInventory({
    dpkgStatusPath: '/nonexistent/status',
    osReleasePaths: ['/nonexistent/os-release'],
  });
  assert.deepEqual([inventory.dpkg, inventory.npm, inventory.os], [[], [], null]);
  assert.ok(inventory.kernel !== null && inventory.kernel.release.length > 0);
});

test('a lockfile that exists but cannot be read keeps its entries; a removed one drops them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'patchcast-lock-'));
  try {
    const file = join(dir, 'package-lock.json');
    const other = join(dir, 'other-lock.json');
    const lock = (lodash: string) =>
      JSON.stringify({
        lockfileVersion: 3,
        packages: { '': {}, 'node_modules/lodash': { version: lodash } },
      });
    await writeFile(file, lock('4.17.20'));
    await writeFile(other, lock('4.17.21'));
    const options = {
      dpkgStatusPath: '/nonexistent/status',
      osReleasePaths: ['/nonexistent/os-release'],
      npmLockfiles: [file, other],
    };
    const first = await collectPackageInventory(options);
    assert.deepEqual(
      first.inventory.npm.map((p) => p.version),
      ['4.17.20', '4.17.21'],
    );
    await writeFile(file, lock('4.17.20').slice(0, 30)); // half written
    const half = await collectPackageInventory({ ...options, previous: first.inventory });
    assert.deepEqual(
      half.inventory.npm,
      first.inventory.npm,
      'the vulnerable lodash is still there',
    );
    assert.match(half.warnings.at(-1)?.reason ?? '', /kept its 1 entries from the last inventory/);
    await rm(file);
    const removed = await collectPackageInventory({ ...options, previous: half.inventory });
    assert.deepEqual(
      removed.inventory.npm.map((p) => p.path),
      [`${other}#node_modules/lodash`],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
