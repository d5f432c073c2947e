/** Reads `files/` of a patch source: regular files and folders only, modes from disk. */
import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_BUNDLE_LIMITS } from '@patchcast/protocol';
import type { BundleFileInput } from '@patchcast/protocol';
import { sourceInvalid } from './source-error.js';

const HINT = 'files/ may hold only regular files and folders; replace links and special files';

export async function readSourceTree(root: string): Promise<BundleFileInput[]> {
  const files: BundleFileInput[] = [];
  const pending: string[] = [''];
  for (let folder = pending.pop(); folder !== undefined; folder = pending.pop()) {
    for (const name of (await readdir(join(root, folder))).sort()) {
      const path = folder === '' ? name : `${folder}/${name}`;
      const stats = await lstat(join(root, path));
      if (stats.isDirectory()) pending.push(path);
      else if (stats.isFile()) files.push(await readSourceFile(root, path));
      else throw sourceInvalid(`files/${path} is a ${kindOf(stats)}`, HINT);
      if (files.length > DEFAULT_BUNDLE_LIMITS.maxFiles) {
        throw sourceInvalid(`files/ holds more than ${DEFAULT_BUNDLE_LIMITS.maxFiles} files`, HINT);
      }
    }
  }
  return files;
}

async function readSourceFile(root: string, path: string): Promise<BundleFileInput> {
  const handle = await open(join(root, path), constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw sourceInvalid(`files/${path} changed while being read`, HINT);
    const content = new Uint8Array(await handle.readFile());
    return { path, mode: stats.mode & 0o777, content };
  } finally {
    await handle.close();
  }
}

function kindOf(stats: { isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean }) {
  if (stats.isSymbolicLink()) return 'symbolic link';
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isSocket()) return 'socket';
  return 'device or other special file';
}
