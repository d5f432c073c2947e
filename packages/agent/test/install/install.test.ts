import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { installBundle } from '../../src/install/index.js';
import type { InstallPhase } from '../../src/install/index.js';
import { bundleOf, listTx, sandbox, sh, snapshot, writeTree } from './helpers.js';

const OLD_TREE = {
  'etc/app/config.txt': { content: 'old config\n', mode: 0o640 },
  'old/file.txt': { content: 'to be removed\n', mode: 0o600 },
  'bin/tool': { content: '#!/bin/sh\n', mode: 0o755 },
};

const NEW_FILES = [
  { path: 'etc/app/config.txt', content: 'new config\n', mode: 0o644 },
  { path: 'new/dir/script.sh', content: 'echo hi\n', mode: 0o750 },
  { path: 'new/dir/data.txt', content: 'data\n', mode: 0o600 },
];

test('new files land with their modes, folders are created, nothing is left behind', async (t) => {
  const box = await sandbox(t);
  await writeTree(box.root, OLD_TREE);
  const phases: InstallPhase[] = [];
  const outcome = await installBundle({
    bundle: bundleOf(NEW_FILES, { removals: ['old/file.txt', 'not/there.txt'] }),
    root: box.root,
    stateDir: box.stateDir,
    onPhase: (phase) => phases.push(phase),
  });
  assert.equal(outcome.status, 'installed', outcome.error?.message);
  assert.deepEqual(phases, [
    'staging',
    'backing-up',
    'applying',
    'post-install',
    'health-check',
    'committing',
  ]);
  assert.equal(await readFile(join(box.root, 'etc/app/config.txt'), 'utf8'), 'new config\n');
  assert.equal((await stat(join(box.root, 'etc/app/config.txt'))).mode & 0o7777, 0o644);
  assert.equal((await stat(join(box.root, 'new/dir/script.sh'))).mode & 0o7777, 0o750);
  assert.equal((await stat(join(box.root, 'new/dir/data.txt'))).mode & 0o7777, 0o600);
  assert.equal((await stat(join(box.root, 'new/dir'))).mode & 0o7777, 0o755);
  await assert.rejects(stat(join(box.root, 'old/file.txt')), { code: 'ENOENT' });
  assert.deepEqual(await listTx(box.stateDir), []);
  await assert.rejects(stat(join(box.stateDir, 'install.lock')), { code: 'ENOENT' });
  assert.ok(outcome.timings.totalMs >= outcome.timings.stageMs + outcome.timings.applyMs);
});

test('a failing health check restores replaced and removed files exactly', async (t) => {
  const box = await sandbox(t);
  await writeTree(box.root, OLD_TREE);
  const before = await snapshot(box.root);
  const inode = (await stat(join(box.root, 'etc/app/config.txt'))).ino;
  const phases: InstallPhase[] = [];
  const outcome = await installBundle({
    bundle: bundleOf(NEW_FILES, {
      removals: ['old/file.txt'],
      health: sh('echo "service is unhealthy"; exit 3'),
    }),
    root: box.root,
    stateDir: box.stateDir,
    onPhase: (phase) => phases.push(phase),
  });
  assert.equal(outcome.status, 'rolled-back');
  assert.equal(outcome.error?.code, 'HEALTH_CHECK_FAILED');
  assert.match(outcome.error?.message ?? '', /exited with status 3: service is unhealthy/);
  assert.match(outcome.healthOutput ?? '', /service is unhealthy/);
  assert.deepEqual(phases.slice(-2), ['health-check', 'rolling-back']);
  assert.deepEqual(await snapshot(box.root), before);
  assert.equal((await stat(join(box.root, 'etc/app/config.txt'))).ino, inode);
  assert.deepEqual(await listTx(box.stateDir), []);
});

test('a failing preInstall hook leaves the root untouched', async (t) => {
  const box = await sandbox(t);
  await writeTree(box.root, OLD_TREE);
  const before = await snapshot(box.root);
  const phases: InstallPhase[] = [];
  const outcome = await installBundle({
    bundle: bundleOf(NEW_FILES, { hooks: { preInstall: sh('echo nope >&2; exit 1') } }),
    root: box.root,
    stateDir: box.stateDir,
    onPhase: (phase) => phases.push(phase),
  });
  assert.equal(outcome.error?.code, 'HOOK_FAILED');
  assert.match(outcome.error?.message ?? '', /preInstall hook exited with status 1: nope/);
  assert.deepEqual(phases, ['staging', 'rolling-back']);
  assert.deepEqual(await snapshot(box.root), before);
});

test('a failing postInstall hook rolls back, including what the hook wrote', async (t) => {
  const box = await sandbox(t);
  await writeTree(box.root, OLD_TREE);
  const before = await snapshot(box.root);
  const outcome = await installBundle({
    bundle: bundleOf(NEW_FILES, {
      hooks: {
        postInstall: sh('echo cache > new/dir/cache.bin; chmod 600 etc/app/config.txt; false'),
      },
    }),
    root: box.root,
    stateDir: box.stateDir,
  });
  assert.equal(outcome.status, 'rolled-back');
  assert.equal(outcome.error?.code, 'HOOK_FAILED');
  assert.deepEqual(await snapshot(box.root), before);
});

test('hooks run in the root with PATCHCAST_* and the given env, not the agent env', async (t) => {
  const box = await sandbox(t);
  const out = join(box.base, 'env.txt');
  process.env.PATCHCAST_TEST_SECRET = 'leaked';
  t.after(() => delete process.env.PATCHCAST_TEST_SECRET);
  const script =
    'echo "$PATCHCAST_ROOT|$PATCHCAST_PATCH_NAME|$PATCHCAST_PATCH_VERSION|$PATCHCAST_STEP|$(pwd)|$EXTRA|$PATCHCAST_TEST_SECRET" > "$OUT"';
  const outcome = await installBundle({
    bundle: bundleOf([{ path: 'a', content: 'a' }], { hooks: { postInstall: sh(script) } }),
    root: box.root,
    stateDir: box.stateDir,
    env: { OUT: out, EXTRA: 'extra' },
  });
  assert.equal(outcome.status, 'installed', outcome.error?.message);
  const root = await realpath(box.root);
  assert.equal(
    await readFile(out, 'utf8'),
    `${root}|demo-patch|1.0.0|postInstall|${root}|extra|\n`,
  );
});

test('a hook printing megabytes keeps only a bounded excerpt', async (t) => {
  const box = await sandbox(t);
  const flood = "head -c 5000000 /dev/zero | tr '\\0' x; echo; echo LAST LINE; exit 1";
  const outcome = await installBundle({
    bundle: bundleOf([{ path: 'a', content: 'a' }], { health: sh(flood) }),
    root: box.root,
    stateDir: box.stateDir,
  });
  assert.equal(outcome.error?.code, 'HEALTH_CHECK_FAILED');
  const output = outcome.healthOutput ?? '';
  assert.ok(output.length <= 64 * 1024 + 100, `kept ${output.length} characters`);
  assert.match(output, /bytes omitted/);
  assert.match(output, /LAST LINE\n$/);
  assert.match(outcome.error?.message ?? '', /LAST LINE$/);
});
