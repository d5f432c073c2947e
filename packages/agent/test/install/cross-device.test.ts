import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { installBundle } from '../../src/install/index.js';
import { bundleOf, listTx, sandbox, sh, snapshot, writeTree } from './helpers.js';

const SHM = '/dev/shm';

async function otherDevice(root: string): Promise<boolean> {
  const shm = await stat(SHM).catch(() => undefined);
  return shm?.isDirectory() === true && shm.dev !== (await stat(root)).dev;
}

test('a state folder on another filesystem: copies instead of renames, same results', async (t) => {
  const box = await sandbox(t);
  if (!(await otherDevice(box.root))) return t.skip('no second filesystem at /dev/shm');
  const stateDir = await mkdtemp(join(SHM, 'patchcast-state-'));
  t.after(() => rm(stateDir, { recursive: true, force: true }));
  await writeTree(box.root, {
    'etc/app.conf': { content: 'old\n', mode: 0o640 },
    'lib/old.so': { content: 'lib\n', mode: 0o755 },
  });
  const before = await snapshot(box.root);
  const files = [
    { path: 'etc/app.conf', content: 'new\n' },
    { path: 'opt/x/run', content: 'run\n', mode: 0o755 },
  ];
  const failing = bundleOf(files, { removals: ['lib/old.so'], health: sh('exit 1') });
  const rolledBack = await installBundle({ bundle: failing, root: box.root, stateDir });
  assert.equal(rolledBack.error?.code, 'HEALTH_CHECK_FAILED');
  assert.deepEqual(await snapshot(box.root), before);
  const good = bundleOf(files, { removals: ['lib/old.so'] });
  const installed = await installBundle({ bundle: good, root: box.root, stateDir });
  assert.equal(installed.status, 'installed', installed.error?.message);
  assert.equal(await readFile(join(box.root, 'etc/app.conf'), 'utf8'), 'new\n');
  assert.equal((await stat(join(box.root, 'opt/x/run'))).mode & 0o7777, 0o755);
  assert.deepEqual(await listTx(stateDir), []);
  const leftovers = (await snapshot(box.root)).filter((line) => line.includes('.patchcast-'));
  assert.deepEqual(leftovers, []);
});
