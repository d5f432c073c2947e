/** Small file helpers for the agent's data folder: atomic JSON writes, tolerant reads. */
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';

export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  mode = 0o600,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  try {
    const handle = await open(temp, 'w', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new PatchcastError('DISK_FULL', `no space left to write ${path}`, { cause: error });
    }
    throw error;
  }
}

export async function readOptional(path: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export async function readJsonOptional(path: string): Promise<unknown> {
  const bytes = await readOptional(path);
  return bytes === null ? undefined : (JSON.parse(new TextDecoder().decode(bytes)) as unknown);
}
