/** One conformance suite for the Installer port, run against every installer (files, dpkg, rpm, npm, pip). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBundle } from '@patchcast/protocol';
import { installBundle, recoverTransactions } from '../../src/install/index.js';
import { sandbox, sh } from '../install/helpers.js';
import type { Sandbox } from '../install/helpers.js';
import { fixtures } from './fixtures.js';
import type { Fixture, Release } from './fixtures.js';

const CHILD = fileURLToPath(new URL('./crash-child.js', import.meta.url));

async function install(f: Fixture, box: Sandbox, release: Release, health?: ReturnType<typeof sh>) {
  const bytes = await f.bundle(box.base, release, health);
  return installBundle({ bundle: readBundle(bytes), root: box.root, stateDir: box.stateDir });
}

async function installed(f: Fixture, box: Sandbox, release: Release): Promise<void> {
  const outcome = await install(f, box, release);
  assert.equal(outcome.status, 'installed', outcome.error?.message);
  assert.equal(await f.installedVersion(box.root), f.version(release));
}

/** Nothing of a finished transaction stays in the state folder. */
async function assertNoLeftovers(box: Sandbox): Promise<void> {
  const names = await readdir(box.stateDir);
  const tx = names.includes('tx') ? await readdir(join(box.stateDir, 'tx')) : [];
  assert.deepEqual(tx, []);
  assert.deepEqual(
    names.filter((name) => ['dpkg', 'rpm', 'npm', 'pip', 'install.lock'].includes(name)),
    [],
  );
}

for (const f of await fixtures()) {
  describe(`Installer conformance: ${f.kind}`, { skip: f.skip }, () => {
    async function fresh(t: Parameters<typeof sandbox>[0]): Promise<Sandbox> {
      const box = await sandbox(t);
      await f.setup(box.root);
      return box;
    }

    test('installs into a clean system and leaves no transaction behind', async (t) => {
      const box = await fresh(t);
      assert.equal(await f.installedVersion(box.root), undefined);
      await installed(f, box, 1);
      await assertNoLeftovers(box);
    });

    test('upgrades 1 to 2, and the package manager orders 2 after 1', async (t) => {
      const box = await fresh(t);
      await installed(f, box, 1);
      await installed(f, box, 2);
      assert.equal(await f.isNewer(f.version(2), f.version(1)), true);
      assert.equal(await f.isNewer(f.version(1), f.version(2)), false);
      await assertNoLeftovers(box);
    });

    test('a failing health check rolls back to exactly the previous version', async (t) => {
      const box = await fresh(t);
      await installed(f, box, 1);
      const before = await f.state(box.root);
      const outcome = await install(f, box, 2, sh('echo unhealthy; exit 3'));
      assert.equal(outcome.status, 'rolled-back');
      assert.equal(outcome.error?.code, 'HEALTH_CHECK_FAILED');
      assert.equal(await f.installedVersion(box.root), f.version(1));
      assert.deepEqual(await f.state(box.root), before);
      await assertNoLeftovers(box);
    });

    test('a failing first install leaves the system as it was', async (t) => {
      const box = await fresh(t);
      const before = await f.state(box.root);
      const outcome = await install(f, box, 1, sh('exit 1'));
      assert.equal(outcome.status, 'rolled-back');
      assert.equal(await f.installedVersion(box.root), undefined);
      assert.deepEqual(await f.state(box.root), before);
    });

    async function killedAt(box: Sandbox, point: string, health?: ReturnType<typeof sh>) {
      const bundlePath = join(box.base, 'v2.tar');
      await writeFile(bundlePath, await f.bundle(box.base, 2, health));
      const child = spawn(process.execPath, [CHILD, bundlePath, box.root, box.stateDir], {
        env: { ...process.env, PATCHCAST_CRASH_AT: point },
        stdio: 'inherit',
      });
      const [, signal] = (await once(child, 'exit')) as [number | null, string | null];
      assert.equal(signal, 'SIGKILL', `${point} was not reached`);
    }

    test('SIGKILL during the rollback of a failed health check: recovery finishes it', async (t) => {
      const box = await fresh(t);
      await installed(f, box, 1);
      const before = await f.state(box.root);
      await killedAt(box, f.rollbackCrashPoint, sh('exit 1'));
      const result = await recoverTransactions(box.root, box.stateDir);
      assert.deepEqual(result, { recovered: 1, action: 'rolled-back' });
      assert.equal(await f.installedVersion(box.root), f.version(1));
      assert.deepEqual(await f.state(box.root), before);
      await assertNoLeftovers(box);
    });

    const journalPoints = (kind: string) =>
      kind === 'files'
        ? { journal: 'journal-applying', committed: 'journal-committed' }
        : { journal: `${kind}-journal`, committed: `${kind}-committed` };

    test('SIGKILL right after the journal: recovery rolls back; after the commit: keeps', async (t) => {
      const points = journalPoints(f.kind);
      const box = await fresh(t);
      await installed(f, box, 1);
      const before = await f.state(box.root);
      await killedAt(box, points.journal);
      assert.deepEqual(await recoverTransactions(box.root, box.stateDir), {
        recovered: 1,
        action: 'rolled-back',
      });
      assert.deepEqual(await f.state(box.root), before);
      await killedAt(box, points.committed);
      assert.deepEqual(await recoverTransactions(box.root, box.stateDir), {
        recovered: 1,
        action: 'committed',
      });
      assert.equal(await f.installedVersion(box.root), f.version(2));
      await assertNoLeftovers(box);
    });

    test('SIGKILL after the change and before the health check: recovery restores', async (t) => {
      const box = await fresh(t);
      await installed(f, box, 1);
      const before = await f.state(box.root);
      await killedAt(box, f.crashPoint);
      assert.equal(await f.installedVersion(box.root), f.version(2));
      assert.deepEqual(await recoverTransactions(box.root, box.stateDir), {
        recovered: 1,
        action: 'rolled-back',
      });
      assert.equal(await f.installedVersion(box.root), f.version(1));
      assert.deepEqual(await f.state(box.root), before);
      assert.deepEqual(await recoverTransactions(box.root, box.stateDir), {
        recovered: 0,
        action: 'none',
      });
      await assertNoLeftovers(box);
    });
  });
}
