/** Step 2: write every new file into the transaction's stage folder, re-verified and fsynced. */
import { lstat, mkdir, open, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastError, sha256Hex } from '@patchcast/core/base';
import type { BundleFileEntry, ParsedBundle } from '@patchcast/protocol';
import { crashPoint } from './crash-point.js';
import { fsyncPath } from './fs-util.js';
import type { FileIdentity, JournalAction } from './journal-model.js';
import type { InstallPlan, NewNode, PlannedAction } from './plan.js';
import { backupName, stageName } from './tx-layout.js';
import type { TxLayout } from './tx-layout.js';

export async function stageFiles(
  bundle: ParsedBundle,
  plan: InstallPlan,
  layout: TxLayout,
): Promise<JournalAction[]> {
  await mkdir(layout.stageDir, { mode: 0o700 });
  await mkdir(layout.backupDir, { mode: 0o700 });
  const actions: JournalAction[] = [];
  for (const [index, planned] of plan.actions.entries()) {
    actions.push(await stageAction(bundle, planned, layout, index));
    crashPoint(`staged-${index}`);
  }
  await fsyncPath(layout.stageDir);
  await fsyncPath(layout.dir);
  crashPoint('staged-all');
  return actions;
}

async function stageAction(
  bundle: ParsedBundle,
  planned: PlannedAction,
  layout: TxLayout,
  index: number,
): Promise<JournalAction> {
  if (planned.kind === 'remove') return { ...planned, backup: backupName(index) };
  const stage = stageName(index);
  const content = await stageNode(bundle, planned, join(layout.dir, stage), stage);
  return planned.kind === 'create'
    ? { kind: 'create', ...content }
    : { kind: 'replace', ...content, backup: backupName(index), original: planned.original };
}

async function stageNode(bundle: ParsedBundle, node: NewNode, target: string, stage: string) {
  if ('link' in node) {
    await symlink(node.link.target, target);
    const stats = await lstat(target, { bigint: true });
    const staged = { dev: String(stats.dev), ino: String(stats.ino) };
    return { path: node.link.path, link: node.link.target, stage, staged };
  }
  const staged = await stageFile(bundle, node.file, target);
  const { path, mode, sha256, size } = node.file;
  return { path, mode, sha256, size, stage, staged };
}

async function stageFile(
  bundle: ParsedBundle,
  file: BundleFileEntry,
  target: string,
): Promise<FileIdentity> {
  const data = bundle.blob(file.sha256);
  if (data.length !== file.size || sha256Hex(data) !== file.sha256) {
    throw new PatchcastError(
      'INSTALL_FAILED',
      `content of "${file.path}" changed after verification`,
    );
  }
  const handle = await open(target, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.chmod(file.mode);
    await handle.sync();
    const stats = await handle.stat({ bigint: true });
    return { dev: String(stats.dev), ino: String(stats.ino) };
  } finally {
    await handle.close();
  }
}
