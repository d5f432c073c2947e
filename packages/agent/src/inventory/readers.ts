/** Thin fs readers around the pure parsers; every path comes from the caller. */
import { readFile } from 'node:fs/promises';
import { PatchcastError } from '@patchcast/core/base';
import { parseDpkgStatus } from './dpkg-status.js';
import type { DpkgStatus } from './dpkg-status.js';
import type { CollectWarning, OsRelease } from './inventory-types.js';
import { lockfilePackages } from './npm-lockfile.js';
import type { LockfilePackages } from './npm-lockfile.js';
import { parseOsRelease } from './os-release.js';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** The dpkg database at `path`; no packages (and no warning) when there is none. */
export async function readDpkgStatus(path: string): Promise<DpkgStatus> {
  try {
    return parseDpkgStatus(await readFile(path, 'utf8'), path);
  } catch (error) {
    if (isMissing(error)) return { packages: [], absent: 0, warnings: [] };
    throw error;
  }
}

/** The first os-release file that exists among `paths` (os-release(5) order), or null. */
export async function readOsRelease(paths: readonly string[]): Promise<OsRelease | null> {
  for (const path of paths) {
    try {
      return parseOsRelease(await readFile(path, 'utf8'));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }
  return null;
}

/**
 * A lockfile's packages; an unreadable or malformed file becomes one warning, and `unreadable`
 * says it exists but could not be read (a missing file is a removed application).
 */
export async function readLockfile(
  path: string,
): Promise<LockfilePackages & { readonly unreadable: boolean }> {
  try {
    const lock: unknown = JSON.parse(await readFile(path, 'utf8'));
    return { ...lockfilePackages(lock, path), unreadable: false };
  } catch (error) {
    const reason =
      error instanceof PatchcastError || error instanceof SyntaxError
        ? error.message
        : `unreadable (${(error as Error).message})`;
    const warning: CollectWarning = { source: path, reason };
    return { packages: [], warnings: [warning], unreadable: !isMissing(error) };
  }
}
