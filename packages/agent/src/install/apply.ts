/** Step 6: create missing folders, then move each staged file into place with rename(2). */
import { chmod, mkdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import { crashPoint } from './crash-point.js';
import { copyDurably, errnoOf, lstatOrUndefined, relinkDurably } from './fs-util.js';
import type { Journal, JournalAction } from './journal-model.js';
import { underRoot } from './paths.js';
import type { ProgressLog } from './progress-log.js';
import { kindOf, originalKind } from './tree-inspector.js';
import { siblingTemp } from './tx-layout.js';
import type { TxLayout } from './tx-layout.js';
import { ParentGuard, syncTouchedFolders } from './parent-guard.js';

export async function applyActions(
  journal: Journal,
  layout: TxLayout,
  progress: ProgressLog,
): Promise<void> {
  await createFolders(journal);
  const guard = new ParentGuard(journal.root);
  for (const [index, action] of journal.actions.entries()) {
    await guard.check(action.path);
    crashPoint(`applying-${index}`);
    await applyAction(journal, layout, action, index);
    await progress.mark('apply', index);
    crashPoint(`applied-${index}`);
  }
  await syncTouchedFolders(journal);
  await progress.flush();
  crashPoint('applied-all');
}

async function createFolders(journal: Journal): Promise<void> {
  for (const [index, dir] of journal.createdDirs.entries()) {
    const path = underRoot(journal.root, dir);
    try {
      await mkdir(path, { mode: 0o755 });
      await chmod(path, 0o755);
    } catch (error) {
      const stats = await lstatOrUndefined(path);
      if (errnoOf(error) !== 'EEXIST' || kindOf(stats) !== 'dir') throw error;
    }
    crashPoint(`created-dir-${index}`);
  }
}

async function applyAction(
  journal: Journal,
  layout: TxLayout,
  action: JournalAction,
  index: number,
): Promise<void> {
  const destination = underRoot(journal.root, action.path);
  const kind = kindOf(await lstatOrUndefined(destination));
  const expected = action.kind === 'create' ? 'missing' : originalKind(action.original);
  if (kind !== expected && !(action.kind === 'remove' && kind === 'missing')) {
    throw new PatchcastError('INSTALL_FAILED', `"${action.path}" changed during the install`, {
      hint: 'a hook or another program changed the managed root while installing',
    });
  }
  if (action.kind === 'remove') {
    if (kind === 'file') await unlink(destination);
    return;
  }
  const staged = join(layout.dir, action.stage);
  const temp = siblingTemp(destination, journal.txid, index);
  await moveIntoPlace(staged, destination, temp, 'link' in action ? undefined : action.mode);
}

/**
 * rename(2) when stage and destination share a filesystem, else copy beside it and rename
 * (a link, `mode` undefined, is made again beside it).
 */
async function moveIntoPlace(from: string, to: string, temp: string, mode: number | undefined) {
  try {
    await rename(from, to);
  } catch (error) {
    if (errnoOf(error) !== 'EXDEV') throw error;
    if (mode === undefined) await relinkDurably(from, to, temp);
    else await copyDurably(from, to, temp, { mode });
  }
}
