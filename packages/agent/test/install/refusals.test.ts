import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import type { ParsedBundle } from '@patchcast/protocol';
import { installBundle } from '../../src/install/index.js';
import { bundleOf, isRunning, listTx, sandbox, sh, snapshot, writeTree } from './helpers.js';
import type { Sandbox } from './helpers.js';

async function assertRefused(box: Sandbox, bundle: ParsedBundle, code: string, reason: RegExp) {
  const before = await snapshot(box.base);
  await assert.rejects(
    installBundle({ bundle, root: box.root, stateDir: box.stateDir }),
    (error: unknown) => {
      assert.ok(error instanceof PatchcastError, String(error));
      assert.equal(error.code, code, error.message);
      assert.match(error.message, reason);
      return true;
    },
  );
  const after = (await snapshot(box.base)).filter((line) => !line.startsWith(box.stateDir));
  assert.deepEqual(
    after,
    before.filter((line) => !line.startsWith(box.stateDir)),
  );
  assert.deepEqual(await listTx(box.stateDir), []);
}

test('a symlinked folder in the root cannot redirect writes outside it', async (t) => {
  const box = await sandbox(t);
  const outside = join(box.base, 'outside');
  await mkdir(outside);
  await writeFile(join(outside, 'passwd'), 'root:x:0:0\n');
  await symlink(outside, join(box.root, 'etc'));
  const bundle = bundleOf([{ path: 'etc/passwd', content: 'owned\n' }]);
  await assertRefused(box, bundle, 'BUNDLE_PATH_UNSAFE', /"etc" is a symbolic link/);
  assert.equal(await readFile(join(outside, 'passwd'), 'utf8'), 'root:x:0:0\n');
});

test('a symlink at a destination or removal path is refused', async (t) => {
  const box = await sandbox(t);
  await writeFile(join(box.base, 'target'), 'outside\n');
  await symlink(join(box.base, 'target'), join(box.root, 'config'));
  const write = bundleOf([{ path: 'config', content: 'x' }]);
  await assertRefused(box, write, 'BUNDLE_PATH_UNSAFE', /"config" is a symbolic link/);
  const remove = bundleOf([], { removals: ['config'] });
  await assertRefused(box, remove, 'BUNDLE_PATH_UNSAFE', /"config" is a symbolic link/);
  await mkdir(join(box.base, 'dir'));
  await symlink(join(box.base, 'dir'), join(box.root, 'linked'));
  const under = bundleOf([], { removals: ['linked/x'] });
  await assertRefused(box, under, 'BUNDLE_PATH_UNSAFE', /"linked" is a symbolic link/);
});

test('a folder where a file must go, or a file where a folder must go, is refused', async (t) => {
  const box = await sandbox(t);
  await writeTree(box.root, { 'etc/app/x': 'x', 'var/log': 'a file' });
  const folder = bundleOf([{ path: 'etc/app', content: 'x' }]);
  await assertRefused(box, folder, 'INSTALL_FAILED', /"etc\/app" is a dir in the managed root/);
  const file = bundleOf([{ path: 'var/log/app.log', content: 'x' }]);
  await assertRefused(box, file, 'INSTALL_FAILED', /"var\/log" is a file where a folder is needed/);
  const removal = bundleOf([], { removals: ['etc/app'] });
  await assertRefused(box, removal, 'INSTALL_FAILED', /removals remove files only/);
});

test('bundle paths into a state folder inside the root, or a missing root, are refused', async (t) => {
  const box = await sandbox(t);
  const stateDir = join(box.root, 'var', 'patchcast');
  const evil = bundleOf([{ path: 'var/patchcast/install.lock', content: 'x' }]);
  await assert.rejects(installBundle({ bundle: evil, root: box.root, stateDir }), {
    code: 'BUNDLE_PATH_UNSAFE',
    message: /"var\/patchcast\/install\.lock" is inside the agent state folder/,
  });
  const fine = bundleOf([{ path: 'var/other', content: 'x' }]);
  const outcome = await installBundle({ bundle: fine, root: box.root, stateDir });
  assert.equal(outcome.status, 'installed');
  const self = installBundle({ bundle: fine, root: box.root, stateDir: box.root });
  await assert.rejects(self, { code: 'INSTALL_FAILED', message: /is the managed root/ });
  const missing = installBundle({ bundle: fine, root: join(box.base, 'nope'), stateDir });
  await assert.rejects(missing, { code: 'INSTALL_FAILED', message: /not an existing folder/ });
});

test('a hook that times out has its whole process group killed, then rolls back', async (t) => {
  const box = await sandbox(t);
  await writeTree(box.root, { 'etc/app/config.txt': 'old\n' });
  const before = await snapshot(box.root);
  const pidFile = join(box.base, 'background.pid');
  const hook = sh('sleep 30 & echo $! > "$PID_FILE"; sleep 30', 300);
  const started = performance.now();
  const outcome = await installBundle({
    bundle: bundleOf([{ path: 'etc/app/config.txt', content: 'new\n' }], {
      hooks: { postInstall: hook },
    }),
    root: box.root,
    stateDir: box.stateDir,
    env: { PID_FILE: pidFile },
  });
  assert.equal(outcome.error?.code, 'HOOK_FAILED');
  assert.match(outcome.error?.message ?? '', /postInstall hook timed out/);
  assert.ok(performance.now() - started < 5000);
  const background = Number(await readFile(pidFile, 'utf8'));
  assert.equal(await isRunning(background), false, `pid ${background} survived`);
  assert.deepEqual(await snapshot(box.root), before);
});

test('a live install lock refuses a second install; a stale one is taken over', async (t) => {
  const box = await sandbox(t);
  const bundle = bundleOf([{ path: 'a', content: 'a' }]);
  await mkdir(box.stateDir);
  await writeFile(join(box.stateDir, 'install.lock'), `${process.pid}\n`);
  await assert.rejects(installBundle({ bundle, root: box.root, stateDir: box.stateDir }), {
    code: 'INSTALL_BUSY',
    message: /another install \(pid \d+\) is running/,
  });
  await writeFile(join(box.stateDir, 'install.lock'), '999999999\n');
  const outcome = await installBundle({ bundle, root: box.root, stateDir: box.stateDir });
  assert.equal(outcome.status, 'installed');
  await assert.rejects(stat(join(box.stateDir, 'install.lock')), { code: 'ENOENT' });
});
