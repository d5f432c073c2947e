import { link, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchcastError } from '@patchcast/core/base';
import { errnoOf, unlinkIfPresent } from './fs-util.js';

export interface InstallLock {
  release(): Promise<void>;
}

/** One transaction at a time per state folder; a lock left by a dead process is taken over. */
export async function acquireInstallLock(stateDir: string): Promise<InstallLock> {
  const path = join(stateDir, 'install.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await tryCreate(path))
      return { release: () => unlinkIfPresent(path).then(() => undefined) };
    const holder = await readHolder(path);
    if (holder !== undefined && isAlive(holder)) {
      throw new PatchcastError('INSTALL_BUSY', `another install (pid ${holder}) is running`, {
        hint: `wait for it to finish, or delete ${path} if no agent or apply is running`,
      });
    }
    await unlinkIfPresent(path);
  }
  throw new PatchcastError('INSTALL_BUSY', `cannot take the install lock ${path}`);
}

/** Writes the pid to a private file, then links it into place: the lock is never half-written. */
async function tryCreate(path: string): Promise<boolean> {
  const mine = `${path}.${process.pid}`;
  await writeFile(mine, `${process.pid}\n`, { mode: 0o600 });
  try {
    await link(mine, path);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await unlinkIfPresent(mine);
  }
}

async function readHolder(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number.parseInt(text, 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === 'EPERM';
  }
}
