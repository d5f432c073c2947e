import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParsedBundle } from '@patchcast/protocol';
import { backupFiles } from '../../src/install/backup.js';
import { setJournalState } from '../../src/install/journal.js';
import type { Journal } from '../../src/install/journal-model.js';
import { applyActions } from '../../src/install/apply.js';
import { planInstall } from '../../src/install/plan.js';
import { ProgressLog } from '../../src/install/progress-log.js';
import { rollBack } from '../../src/install/rollback.js';
import { resolveRoots } from '../../src/install/roots.js';
import { Transaction } from '../../src/install/transaction.js';
import type { TxLayout } from '../../src/install/tx-layout.js';
import { recoverTransactions } from '../../src/install/index.js';
import { bundleOf, listTx, sandbox, snapshot, writeTree } from './helpers.js';
import type { Sandbox } from './helpers.js';

const OLD_TREE = {
  'etc/app/a.conf': { content: 'old a\n', mode: 0o640 },
  'etc/app/b.conf': { content: 'old b\n', mode: 0o600 },
  'lib/gone.so': { content: 'old library\n', mode: 0o755 },
};

const bundle = bundleOf(
  [
    { path: 'etc/app/a.conf', content: 'new a\n' },
    { path: 'etc/app/b.conf', content: 'new b\n', mode: 0o644 },
    { path: 'opt/new/one', content: '1\n' },
    { path: 'opt/new/two', content: '2\n' },
  ],
  { removals: ['lib/gone.so'] },
);

/** Stages, journals and backs up, as installBundle would, then stops: a crash after this. */
async function prepared(box: Sandbox, parsed: ParsedBundle = bundle) {
  const roots = await resolveRoots(box.root, box.stateDir);
  const plan = await planInstall(parsed.manifest, roots.root);
  const request = { bundle: parsed, ...roots };
  const tx = await Transaction.begin(request, plan, performance.now());
  const journal = await tx.prepare();
  const progress = await ProgressLog.open(tx.layout.progress);
  await backupFiles(journal, tx.layout, progress);
  return { tx, journal: await setJournalState(tx.layout, journal, 'applying'), progress };
}

/** Applies the first `count` actions by hand, the way apply.ts does, then "crashes". */
async function applyFirst(journal: Journal, layout: TxLayout, count: number): Promise<void> {
  for (const dir of journal.createdDirs) await mkdir(join(journal.root, dir));
  for (const action of journal.actions.slice(0, count)) {
    const destination = join(journal.root, action.path);
    if (action.kind === 'remove') await unlink(destination);
    else await rename(join(layout.dir, action.stage), destination);
  }
}

test('a crash half-way through applying is rolled back byte for byte', async (t) => {
  const box = await sandbox(t);
  await writeTree(box.root, OLD_TREE);
  const before = await snapshot(box.root);
  const { tx, journal, progress } = await prepared(box);
  await progress.close();
  await applyFirst(journal, tx.layout, 3);
  assert.notDeepEqual(await snapshot(box.root), before);
  const result = await recoverTransactions(box.root, box.stateDir);
  assert.deepEqual(result, { recovered: 1, action: 'rolled-back' });
  assert.deepEqual(await snapshot(box.root), before);
  assert.deepEqual(await listTx(box.stateDir), []);
  assert.deepEqual(await recoverTransactions(box.root, box.stateDir), {
    recovered: 0,
    action: 'none',
  });
});

test('a crash after every action applied (before the health check) is rolled back', async (t) => {
  const box = await sandbox(t);
  await writeTree(box.root, OLD_TREE);
  const before = await snapshot(box.root);
  const { tx, journal, progress } = await prepared(box);
  await applyActions(journal, tx.layout, progress);
  await progress.close();
  assert.equal(await readFile(join(box.root, 'opt/new/two'), 'utf8'), '2\n');
  assert.deepEqual(await recoverTransactions(box.root, box.stateDir), {
    recovered: 1,
    action: 'rolled-back',
  });
  assert.deepEqual(await snapshot(box.root), before);
});

test('recovery interrupted part-way and run again still restores the old tree', async (t) => {
  const box = await sandbox(t);
  await writeTree(box.root, OLD_TREE);
  const before = await snapshot(box.root);
  const { tx, journal, progress } = await prepared(box);
  await applyActions(journal, tx.layout, progress);
  await progress.close();
  const partial = { ...journal, actions: journal.actions.slice(2), createdDirs: [] };
  await rollBack(partial, tx.layout);
  await rollBack(partial, tx.layout);
  const result = await recoverTransactions(box.root, box.stateDir);
  assert.deepEqual(result, { recovered: 1, action: 'rolled-back' });
  assert.deepEqual(await snapshot(box.root), before);
});

test('a crash after the commit mark keeps the new tree and cleans up', async (t) => {
  const box = await sandbox(t);
  await writeTree(box.root, OLD_TREE);
  const { tx, journal, progress } = await prepared(box);
  await applyActions(journal, tx.layout, progress);
  await progress.close();
  await setJournalState(tx.layout, journal, 'committed');
  const installed = await snapshot(box.root);
  const result = await recoverTransactions(box.root, box.stateDir);
  assert.deepEqual(result, { recovered: 1, action: 'committed' });
  assert.deepEqual(await snapshot(box.root), installed);
  assert.equal(await readFile(join(box.root, 'etc/app/a.conf'), 'utf8'), 'new a\n');
  assert.deepEqual(await listTx(box.stateDir), []);
});

test('a crash while staging (no journal yet) leaves nothing to undo', async (t) => {
  const box = await sandbox(t);
  await writeTree(box.root, OLD_TREE);
  const before = await snapshot(box.root);
  const txDir = join(box.stateDir, 'tx', '00abc1234-0123abcd');
  await mkdir(join(txDir, 'stage'), { recursive: true });
  await writeFile(join(txDir, 'stage', '0'), 'half');
  await writeFile(join(txDir, 'journal.json.tmp'), '{"format":');
  const result = await recoverTransactions(box.root, box.stateDir);
  assert.deepEqual(result, { recovered: 1, action: 'rolled-back' });
  assert.deepEqual(await snapshot(box.root), before);
  assert.deepEqual(await listTx(box.stateDir), []);
});

test('a corrupt journal is reported, and the transaction folder is kept', async (t) => {
  const box = await sandbox(t);
  const txDir = join(box.stateDir, 'tx', '00abc1234-0123abcd');
  await mkdir(txDir, { recursive: true });
  await writeFile(join(txDir, 'journal.json'), '{"format":"patchcast-install-journal/v1"}');
  await assert.rejects(recoverTransactions(box.root, box.stateDir), {
    code: 'INSTALL_FAILED',
    message: /is corrupt/,
  });
  assert.deepEqual(await listTx(box.stateDir), ['00abc1234-0123abcd']);
});

test('recovery with no state folder is a no-op', async (t) => {
  const box = await sandbox(t);
  assert.deepEqual(await recoverTransactions(box.root, join(box.base, 'none')), {
    recovered: 0,
    action: 'none',
  });
});
