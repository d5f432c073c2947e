/** npm lockfiles v2/v3 and global node_modules folders. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { globalNpmPackages } from '../../src/inventory/npm-global.js';
import { lockfilePackages } from '../../src/inventory/npm-lockfile.js';
import { readLockfile } from '../../src/inventory/readers.js';
import { fixture } from './paths.js';

test('lockfile v3: dependencies by location, aliases by real name; root, links and workspaces skipped', () => {
  const lock: unknown = JSON.parse(readFileSync(fixture('package-lock.json'), 'utf8'));
  const { packages, warnings } = lockfilePackages(lock, 'shop/package-lock.json');
  assert.deepEqual(
    packages.map((p) => [p.name, p.version, p.path.split('#')[1], p.dev]),
    [
      ['express', '4.18.2', 'node_modules/express', false],
      ['debug', '2.6.9', 'node_modules/express/node_modules/debug', false],
      ['@babel/core', '7.24.0', 'node_modules/@babel/core', true],
      ['lodash', '4.17.21', 'node_modules/lodash-es', false],
      ['semver', '7.6.0-rc.1', 'node_modules/semver', false],
    ],
  );
  assert.deepEqual(warnings, [
    { source: 'shop/package-lock.json', reason: 'node_modules/nover: no name or version' },
  ]);
});

test('lockfile v1, non-JSON and missing files become warnings, not failures', async () => {
  const v1 = await readLockfile(fixture('package-lock-v1.json'));
  assert.deepEqual(v1.packages, []);
  assert.match(v1.warnings[0]?.reason ?? '', /not an npm lockfile v2 or v3: lockfileVersion is 1/);
  const dir = mkdtempSync(join(tmpdir(), 'patchcast-lock-'));
  try {
    writeFileSync(join(dir, 'package-lock.json'), '{ nope');
    assert.match(
      (await readLockfile(join(dir, 'package-lock.json'))).warnings[0]?.reason ?? '',
      /JSON/,
    );
    assert.match(
      (await readLockfile(join(dir, 'missing.json'))).warnings[0]?.reason ?? '',
      /unreadable/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function writePackage(dir: string, manifest: object | string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    typeof manifest === 'string' ? manifest : JSON.stringify(manifest),
  );
}

test('a global node_modules: packages, scoped packages and their nested node_modules', async () => {
  const root = mkdtempSync(join(tmpdir(), 'patchcast-global-'));
  try {
    writePackage(join(root, 'npm'), { name: 'npm', version: '10.8.2' });
    writePackage(join(root, 'npm', 'node_modules', 'semver'), { name: 'semver', version: '7.6.3' });
    writePackage(join(root, '@vue', 'cli'), { name: '@vue/cli', version: '5.0.8' });
    writePackage(join(root, 'broken'), '{');
    writePackage(join(root, 'anonymous'), { private: true });
    mkdirSync(join(root, '.bin'));
    const { packages, warnings } = await globalNpmPackages(root);
    assert.deepEqual(
      packages.map((p) => `${p.name}@${p.version}`),
      ['@vue/cli@5.0.8', 'npm@10.8.2', 'semver@7.6.3'],
    );
    assert.deepEqual(
      warnings.map((w) => w.source.slice(root.length)),
      ['/anonymous', '/broken'],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("this machine's global npm folder, when there is one", async (t) => {
  const root = '/usr/lib/node_modules';
  if (!existsSync(join(root, 'npm', 'package.json')))
    return t.skip('no /usr/lib/node_modules/npm here');
  const { packages } = await globalNpmPackages(root);
  const npm: unknown = JSON.parse(readFileSync(join(root, 'npm', 'package.json'), 'utf8'));
  const version = (npm as { version: string }).version;
  assert.ok(
    packages.some((p) => p.name === 'npm' && p.version === version && p.path === join(root, 'npm')),
  );
  assert.ok(packages.length > 20, 'npm bundles its dependencies');
});
