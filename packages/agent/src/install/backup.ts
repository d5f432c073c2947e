/** Step 5: keep every file that will be replaced or removed, as a hard link (or a copy). */
import { link } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import { crashPoint } from './crash-point.js';
import { copyDurably, errnoOf, fsyncPath, lstatOrUndefined, relinkDurably } from './fs-util.js';
import type { Journal, OriginalFile } from './journal-model.js';
import { underRoot } from './paths.js';
import { kindOf, originalKind } from './tree-inspector.js';
import type { ProgressLog } from './progress-log.js';
import type { TxLayout } from './tx-layout.js';

const COPY_INSTEAD = new Set(['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP']);

export async function backupFiles(
  journal: Journal,
  layout: TxLayout,
  progress: ProgressLog,
): Promise<void> {
  for (const [index, action] of journal.actions.entries()) {
    if (action.kind === 'create') continue;
    const source = underRoot(journal.root, action.path);
    const stats = await lstatOrUndefined(source);
    if (kindOf(stats) !== originalKind(action.original)) {
      throw new PatchcastError('INSTALL_FAILED', `"${action.path}" changed during the install`);
    }
    await backupFile(source, join(layout.dir, action.backup), action.original);
    await progress.mark('backup', index);
    crashPoint(`backed-up-${index}`);
  }
  await fsyncPath(layout.backupDir);
  await progress.flush();
  crashPoint('backups-synced');
}

async function backupFile(source: string, backup: string, original: OriginalFile): Promise<void> {
  try {
    await link(source, backup);
  } catch (error) {
    if (!COPY_INSTEAD.has(errnoOf(error) ?? '')) throw error;
    if (original.type === 'symlink') await relinkDurably(source, backup, `${backup}.tmp`);
    else await copyDurably(source, backup, `${backup}.tmp`, original);
  }
}
