import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { utf8 } from '@patchcast/core';
import { buildBundle, readBundle } from '@patchcast/protocol';
import type { BundleInput } from '@patchcast/protocol';
import { installBundle } from '../../src/install/index.js';
import { listTx, sandbox, sh, snapshot, writeTree } from './helpers.js';

function linkBundle(symlinks: BundleInput['symlinks'], extra: Partial<BundleInput> = {}) {
  return readBundle(buildBundle({ name: 'links', version: '1', files: [], symlinks, ...extra }));
}

test('links escaping the root, absolute links and links over bundle paths are refused', () => {
  const cases: [BundleInput['symlinks'], RegExp][] = [
    [[{ path: 'a/link', target: '../../etc/passwd' }], /escapes the managed root from "a\/link"/],
    [[{ path: 'link', target: '..' }], /escapes the managed root/],
    [[{ path: 'link', target: 'x/../../y' }], /escapes the managed root/],
    [
      [{ path: 'link', target: '/etc/passwd' }],
      /symlinks\[0\]\.target "\/etc\/passwd" is absolute/,
    ],
    [[{ path: '../link', target: 'x' }], /symlinks\[0\]\.path "\.\.\/link" has a "\.\." segment/],
    [[{ path: 'l', target: 'a\u0000b' }], /NUL or control character/],
  ];
  for (const [symlinks, message] of cases) {
    assert.throws(() => linkBundle(symlinks), { code: 'BUNDLE_PATH_UNSAFE', message });
  }
  const over = { path: 'dir/file', mode: 0o644, content: utf8('x') };
  assert.throws(() => linkBundle([{ path: 'dir', target: 'elsewhere' }], { files: [over] }), {
    code: 'BUNDLE_PATH_UNSAFE',
    message: /"dir" is a file or removal and also a folder of "dir\/file"/,
  });
  assert.throws(() => linkBundle([{ path: 'dir/file', target: 'x' }], { files: [over] }), {
    code: 'BUNDLE_PATH_UNSAFE',
    message: /listed twice/,
  });
  assert.doesNotThrow(() => linkBundle([{ path: 'a/b/link', target: '../../c' }]));
});

test('links are created and replace files or links without following them', async (t) => {
  const box = await sandbox(t);
  await writeTree(box.root, { 'etc/conf': 'old file\n', 'lib/target.txt': 'target\n' });
  await writeFile(join(box.base, 'outside.txt'), 'outside\n');
  await symlink(join(box.base, 'outside.txt'), join(box.root, 'lib/current'));
  const bundle = linkBundle([
    { path: 'etc/conf', target: '../lib/target.txt' },
    { path: 'lib/current', target: 'target.txt' },
    { path: 'new/dir/link', target: '../../lib' },
  ]);
  const outcome = await installBundle({ bundle, root: box.root, stateDir: box.stateDir });
  assert.equal(outcome.status, 'installed', outcome.error?.message);
  assert.equal(await readlink(join(box.root, 'etc/conf')), '../lib/target.txt');
  assert.equal(await readlink(join(box.root, 'lib/current')), 'target.txt');
  assert.equal(await readlink(join(box.root, 'new/dir/link')), '../../lib');
  assert.equal(await readFile(join(box.root, 'new/dir/link/target.txt'), 'utf8'), 'target\n');
  assert.equal(await readFile(join(box.base, 'outside.txt'), 'utf8'), 'outside\n');
  assert.ok((await lstat(join(box.root, 'etc/conf'))).isSymbolicLink());
  assert.deepEqual(await listTx(box.stateDir), []);
});

test('a failed install puts back the replaced file and the replaced link exactly', async (t) => {
  const box = await sandbox(t);
  await writeTree(box.root, { 'etc/conf': { content: 'old file\n', mode: 0o600 } });
  await symlink('elsewhere', join(box.root, 'etc/current'));
  const before = await snapshot(box.root);
  const bundle = linkBundle(
    [
      { path: 'etc/conf', target: 'current' },
      { path: 'etc/current', target: 'conf' },
      { path: 'opt/link', target: '../etc' },
    ],
    { health: sh('exit 9') },
  );
  const outcome = await installBundle({ bundle, root: box.root, stateDir: box.stateDir });
  assert.equal(outcome.status, 'rolled-back');
  assert.equal(outcome.error?.code, 'HEALTH_CHECK_FAILED');
  assert.deepEqual(await snapshot(box.root), before);
});
