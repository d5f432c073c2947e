/**
 * Undo from the journal and what is on disk alone, so it can run after a crash, and again after
 * a crash of itself. Actions are undone last to first, then created folders deepest first.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, readlink, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { crashPoint } from './crash-point.js';
import {
  copyDurably,
  relinkDurably,
  errnoOf,
  lstatOrUndefined,
  sameFile,
  unlinkIfPresent,
} from './fs-util.js';
import type { Journal, JournalAction, OriginalFile } from './journal-model.js';
import { syncTouchedFolders } from './parent-guard.js';
import { underRoot } from './paths.js';
import { kindOf } from './tree-inspector.js';
import { siblingTemp } from './tx-layout.js';
import type { TxLayout } from './tx-layout.js';

export async function rollBack(journal: Journal, layout: TxLayout): Promise<void> {
  for (let index = journal.actions.length - 1; index >= 0; index--) {
    const action = journal.actions[index];
    if (action !== undefined) await undoAction(journal, layout, action, index);
    crashPoint(`undone-${index}`);
  }
  for (const [index, dir] of [...journal.createdDirs.entries()].reverse()) {
    await removeCreatedFolder(underRoot(journal.root, dir));
    crashPoint(`removed-dir-${index}`);
  }
  await syncTouchedFolders(journal);
  crashPoint('rolled-back');
}

async function undoAction(
  journal: Journal,
  layout: TxLayout,
  action: JournalAction,
  index: number,
): Promise<void> {
  const destination = underRoot(journal.root, action.path);
  const temp = siblingTemp(destination, journal.txid, index);
  await unlinkIfPresent(temp).catch(ignoreMissingFolder);
  if (action.kind === 'create') {
    if (await isInstalledCopy(destination, action)) await unlink(destination);
    return;
  }
  await restoreBackup(join(layout.dir, action.backup), destination, temp, action.original);
}

/** A backup still present means the original has not been put back yet. */
async function restoreBackup(
  backup: string,
  destination: string,
  temp: string,
  original: OriginalFile,
): Promise<void> {
  const saved = await lstatOrUndefined(backup);
  if (saved === undefined) return;
  if (sameFile(saved, await lstatOrUndefined(destination))) {
    await unlink(backup);
    return;
  }
  try {
    await rename(backup, destination);
  } catch (error) {
    if (errnoOf(error) !== 'EXDEV') throw error;
    if (original.type === 'symlink') await relinkDurably(backup, destination, temp);
    else await copyDurably(backup, destination, temp, original);
    await unlink(backup);
  }
  if (original.type !== 'symlink') await chmod(destination, original.mode);
}

/** The file at a created path is ours if it is the staged inode, or holds the bundle's bytes. */
async function isInstalledCopy(
  destination: string,
  action: Extract<JournalAction, { kind: 'create' }>,
): Promise<boolean> {
  const stats = await lstatOrUndefined(destination);
  const link = 'link' in action;
  if (kindOf(stats) !== (link ? 'symlink' : 'file') || stats === undefined) return false;
  if (String(stats.dev) === action.staged.dev && String(stats.ino) === action.staged.ino) {
    return true;
  }
  if (link) return (await readlink(destination)) === action.link;
  return stats.size === BigInt(action.size) && (await sha256OfFile(destination)) === action.sha256;
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The folder did not exist before the transaction, so whatever hooks left in it goes too. */
async function removeCreatedFolder(path: string): Promise<void> {
  if (kindOf(await lstatOrUndefined(path)) !== 'dir') return;
  try {
    await rmdir(path);
  } catch (error) {
    if (errnoOf(error) !== 'ENOTEMPTY' && errnoOf(error) !== 'EEXIST') throw error;
    await rm(path, { recursive: true, force: true });
  }
}

function ignoreMissingFolder(error: unknown): void {
  if (errnoOf(error) !== 'ENOTDIR') throw error;
}
