/** The rpm installer refuses, before any change, what it could not install or roll back. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { utf8 } from '@patchcast/core';
import { buildBundle, readBundle } from '@patchcast/protocol';
import { installBundle } from '../../src/install/index.js';
import { sandbox } from '../install/helpers.js';
import { buildRpm, initRpmRoot, rpmIn, rpmToolsMissing } from '../rpm-build.js';

const MISSING = await rpmToolsMissing();

function rpmBundle(files: { path: string; content: Uint8Array }[]) {
  return readBundle(
    buildBundle({
      name: 'pkg',
      version: '1',
      files: files.map((f) => ({ ...f, mode: 0o644 })),
      installer: { kind: 'rpm' },
    }),
  );
}

test('an rpm bundle needs .rpm files', () => {
  assert.throws(() => rpmBundle([{ path: 'debs/x.deb', content: utf8('x') }]), {
    code: 'BUNDLE_MALFORMED',
    message: /files\[0\]\.path "debs\/x\.deb" is not a \.rpm package/,
  });
});

test(
  'rpm refuses a root without an rpm database, and a file rpm cannot read',
  { skip: MISSING },
  async (t) => {
    const box = await sandbox(t);
    const bundle = rpmBundle([{ path: 'rpms/x.rpm', content: utf8('not really an rpm') }]);
    await assert.rejects(installBundle({ bundle, root: box.root, stateDir: box.stateDir }), {
      code: 'INSTALL_FAILED',
      message: /no rpm database at .*\/var\/lib\/rpm/,
    });
    await initRpmRoot(box.root);
    await assert.rejects(installBundle({ bundle, root: box.root, stateDir: box.stateDir }), {
      code: 'INSTALL_FAILED',
      message: /rpm -qp exited with status/,
    });
    assert.deepEqual(await readdir(box.stateDir), []);
  },
);

test(
  'rpm refuses to upgrade a package installed outside Patchcast (no cached .rpm)',
  { skip: MISSING },
  async (t) => {
    const box = await sandbox(t);
    await initRpmRoot(box.root);
    const spec = {
      name: 'pcref',
      version: '1.0',
      release: '1',
      epoch: '3',
      files: { '/opt/pcref/v': '1\n' },
    };
    await rpmIn(box.root, ['-i', await buildRpm(box.base, spec)]);
    const v2 = await buildRpm(box.base, { ...spec, version: '2.0' });
    const bundle = rpmBundle([
      { path: 'rpms/pcref.rpm', content: new Uint8Array(await readFile(v2)) },
    ]);
    await assert.rejects(installBundle({ bundle, root: box.root, stateDir: box.stateDir }), {
      code: 'INSTALL_FAILED',
      message: /cannot roll back pcref: no \.rpm of its installed version 3:1\.0-1/,
    });
    assert.equal(await rpmIn(box.root, ['-q', 'pcref']), 'pcref-1.0-1.noarch\n');
    assert.deepEqual(await readdir(box.stateDir), []);
  },
);

test('rpm refuses a bundle naming one package twice', { skip: MISSING }, async (t) => {
  const box = await sandbox(t);
  await initRpmRoot(box.root);
  const spec = {
    name: 'pctwice',
    version: '1.0',
    release: '1',
    files: { '/opt/pctwice/v': '1\n' },
  };
  const a = new Uint8Array(await readFile(await buildRpm(box.base, spec)));
  const b = new Uint8Array(
    await readFile(await buildRpm(join(box.base, 'b'), { ...spec, release: '2' })),
  );
  const bundle = rpmBundle([
    { path: 'rpms/a.rpm', content: a },
    { path: 'rpms/b.rpm', content: b },
  ]);
  await assert.rejects(installBundle({ bundle, root: box.root, stateDir: box.stateDir }), {
    code: 'BUNDLE_MALFORMED',
    message: /"rpms\/b\.rpm" is not a distinct \.rpm package/,
  });
  assert.equal(await rpmIn(box.root, ['-qa']), '');
});
