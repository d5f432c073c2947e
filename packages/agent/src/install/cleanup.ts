import { rm } from 'node:fs/promises';
import { crashPoint } from './crash-point.js';
import { fsyncPath, unlinkIfPresent } from './fs-util.js';
import { txRoot } from './tx-layout.js';
import type { TxLayout } from './tx-layout.js';

/**
 * Deletes a finished transaction folder. The journal goes after the backups and before the
 * rest, so a crash in here leaves either a journal with what it needs, or nothing to undo.
 */
export async function discardTransaction(layout: TxLayout, stateDir: string): Promise<void> {
  await rm(layout.backupDir, { recursive: true, force: true });
  crashPoint('discard-backups-gone');
  await unlinkIfPresent(layout.journal);
  crashPoint('discard-journal-gone');
  await rm(layout.dir, { recursive: true, force: true });
  await fsyncPath(txRoot(stateDir));
}
