import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PatchcastError } from '@patchcast/core';

/** The file operations writeFileAtomic needs; tests pass fakes to simulate a full disk. */
export interface AtomicWriteOps {
  writeTemp(path: string, bytes: Uint8Array, mode: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  syncDir(dir: string): Promise<void>;
}

export const nodeAtomicWriteOps: AtomicWriteOps = {
  async writeTemp(path, bytes, mode) {
    const handle = await open(path, 'wx', mode);
    try {
      await handle.writeFile(bytes);
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename,
  unlink,
  async syncDir(dir) {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};

/** Writes `bytes` to `path` so that readers see the old file or the whole new one, never half. */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
  mode = 0o644,
  ops: AtomicWriteOps = nodeAtomicWriteOps,
): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await ops.writeTemp(temp, bytes, mode);
    await ops.rename(temp, path);
  } catch (error) {
    await ops.unlink(temp).catch(() => undefined);
    throw writeError(path, error);
  }
  await ops.syncDir(dirname(path)).catch(() => undefined);
}

function writeError(path: string, error: unknown): PatchcastError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new PatchcastError('DISK_FULL', `no space left to write ${path}`, {
      hint: `free space on the device that holds ${dirname(path)} and retry`,
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new PatchcastError('INVALID_INPUT', `cannot write ${path}: ${reason}`, {
    hint: 'check that the output folder exists and is writable',
    cause: error,
  });
}
