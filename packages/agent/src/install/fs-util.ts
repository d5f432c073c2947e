import { constants } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import {
  copyFile,
  chmod,
  chown,
  lstat,
  open,
  readlink,
  rename,
  symlink,
  unlink,
} from 'node:fs/promises';

export function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** lstat that answers undefined for a missing path (or a path under a non-folder). */
export async function lstatOrUndefined(path: string): Promise<BigIntStats | undefined> {
  try {
    return await lstat(path, { bigint: true });
  } catch (error) {
    if (errnoOf(error) === 'ENOENT' || errnoOf(error) === 'ENOTDIR') return undefined;
    throw error;
  }
}

export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, constants.O_RDONLY);
  try {
    await handle.sync();
  } catch (error) {
    if (errnoOf(error) !== 'EINVAL') throw error;
  } finally {
    await handle.close();
  }
}

export async function unlinkIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false;
    throw error;
  }
}

export interface Ownership {
  readonly mode: number;
  readonly uid?: number;
  readonly gid?: number;
}

/** Copies `from` to `to` via `temp` so that `to` appears only complete, with mode and owner. */
export async function copyDurably(
  from: string,
  to: string,
  temp: string,
  owner: Ownership,
): Promise<void> {
  await unlinkIfPresent(temp);
  await copyFile(from, temp, constants.COPYFILE_EXCL);
  if (owner.uid !== undefined && owner.gid !== undefined) {
    await chown(temp, owner.uid, owner.gid).catch(() => undefined);
  }
  await chmod(temp, owner.mode);
  await fsyncPath(temp);
  await rename(temp, to);
}

/** Makes at `to` (via `temp`) a symbolic link with the same target as the link `from`. */
export async function relinkDurably(from: string, to: string, temp: string): Promise<void> {
  await unlinkIfPresent(temp);
  await symlink(await readlink(from), temp);
  await rename(temp, to);
}

export function sameFile(a: BigIntStats | undefined, b: BigIntStats | undefined): boolean {
  return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
}
