import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { utf8 } from '@patchcast/core';
import { buildBundle, readBundle } from '@patchcast/protocol';
import type { BundleInput } from '@patchcast/protocol';
import { installBundle } from '../../src/install/index.js';
import { sandbox } from '../install/helpers.js';
import { fixtures } from './fixtures.js';

const run = promisify(execFile);
const deb = { path: 'debs/x.deb', mode: 0o644, content: utf8('not really a deb') };

function build(extra: Partial<BundleInput>) {
  return buildBundle({ name: 'pkg', version: '1', files: [deb], ...extra });
}

test('package bundles carry only packages: no removals, links or hooks; right suffix', () => {
  const dpkg = { kind: 'dpkg' } as const;
  const cases: [Partial<BundleInput>, string, RegExp][] = [
    [{ installer: dpkg, removals: ['a'] }, 'BUNDLE_MALFORMED', /removals is only allowed/],
    [
      { installer: dpkg, symlinks: [{ path: 'l', target: 'x' }] },
      'BUNDLE_MALFORMED',
      /symlinks is only allowed/,
    ],
    [
      { installer: { kind: 'npm', prefix: 'srv/app' } },
      'BUNDLE_MALFORMED',
      /files\[0\]\.path "debs\/x\.deb" is not a \.tgz package/,
    ],
    [{ installer: dpkg, files: [] }, 'BUNDLE_MALFORMED', /a dpkg bundle needs a package/],
    [
      { installer: { kind: 'npm', prefix: '../outside' } },
      'BUNDLE_PATH_UNSAFE',
      /installer\.prefix "\.\.\/outside" has a "\.\." segment/,
    ],
  ];
  for (const [extra, code, message] of cases) assert.throws(() => build(extra), { code, message });
});

test('dpkg refuses a root without a dpkg database, and a .deb it cannot read', async (t) => {
  const dpkg = (await fixtures()).find((f) => f.kind === 'dpkg');
  if (dpkg === undefined || dpkg.skip !== undefined) return t.skip(dpkg?.skip);
  const box = await sandbox(t);
  const bundle = readBundle(build({ installer: { kind: 'dpkg' } }));
  await assert.rejects(installBundle({ bundle, root: box.root, stateDir: box.stateDir }), {
    code: 'INSTALL_FAILED',
    message: /no dpkg database/,
  });
  await dpkg.setup(box.root);
  await assert.rejects(installBundle({ bundle, root: box.root, stateDir: box.stateDir }), {
    code: 'INSTALL_FAILED',
    message: /dpkg-deb --field exited with status/,
  });
  assert.deepEqual(await readdir(box.stateDir), []);
});

test('dpkg refuses to upgrade a package it could not roll back', async (t) => {
  const dpkg = (await fixtures()).find((f) => f.kind === 'dpkg');
  if (dpkg === undefined || dpkg.skip !== undefined) return t.skip(dpkg?.skip);
  const box = await sandbox(t);
  await dpkg.setup(box.root);
  const v1 = join(box.base, 'v1.tar');
  await writeFile(v1, await dpkg.bundle(box.base, 1));
  const admin = `--admindir=${join(box.root, 'var/lib/dpkg')}`;
  const debs = (await readdir(box.base)).filter((name) => name.endsWith('.deb'));
  await run('dpkg', [
    `--root=${box.root}`,
    admin,
    `--log=${join(box.base, 'dpkg.log')}`,
    '--force-not-root',
    '--force-script-chrootless',
    '-i',
    join(box.base, debs[0] ?? ''),
  ]);
  const v2 = readBundle(await dpkg.bundle(box.base, 2));
  await assert.rejects(installBundle({ bundle: v2, root: box.root, stateDir: box.stateDir }), {
    code: 'INSTALL_FAILED',
    message: /cannot roll back pcdemo: no \.deb of its installed version 1\.0-1/,
  });
  assert.equal(await dpkg.installedVersion(box.root), '1.0-1');
});

test('npm refuses a project folder reached through a symbolic link', async (t) => {
  const box = await sandbox(t);
  await mkdir(join(box.base, 'elsewhere'));
  await mkdir(join(box.root, 'srv'));
  await symlink(join(box.base, 'elsewhere'), join(box.root, 'srv/app'));
  const tgz = { path: 'packages/x.tgz', mode: 0o644, content: utf8('x') };
  const bundle = readBundle(build({ files: [tgz], installer: { kind: 'npm', prefix: 'srv/app' } }));
  await assert.rejects(installBundle({ bundle, root: box.root, stateDir: box.stateDir }), {
    code: 'BUNDLE_PATH_UNSAFE',
    message: /"srv\/app" is a symbolic link/,
  });
  assert.deepEqual(await readdir(join(box.base, 'elsewhere')), []);
});
