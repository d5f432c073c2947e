import { join } from 'node:path';

/** Where one transaction keeps its files: `<stateDir>/tx/<txid>/`. */
export interface TxLayout {
  readonly txid: string;
  readonly dir: string;
  readonly stageDir: string;
  readonly backupDir: string;
  readonly journal: string;
  readonly progress: string;
}

export function txRoot(stateDir: string): string {
  return join(stateDir, 'tx');
}

export function txLayout(stateDir: string, txid: string): TxLayout {
  const dir = join(txRoot(stateDir), txid);
  return {
    txid,
    dir,
    stageDir: join(dir, 'stage'),
    backupDir: join(dir, 'backup'),
    journal: join(dir, 'journal.json'),
    progress: join(dir, 'progress.log'),
  };
}

export function stageName(index: number): string {
  return `stage/${index}`;
}

export function backupName(index: number): string {
  return `backup/${index}`;
}

/** The name of the same-folder temporary file used when a rename must cross filesystems. */
export function siblingTemp(destination: string, txid: string, index: number): string {
  return join(destination, '..', `.patchcast-${txid}-${index}.tmp`);
}
