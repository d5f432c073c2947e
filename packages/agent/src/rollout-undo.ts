/**
 * Undo of a committed install, for a rollout's rollback command (docs/rollouts.md "Rollback").
 * Before installing, the agent keeps the pre-image of every path the bundle writes or removes:
 * the file's bytes and mode, or that it was absent. Rolling back builds an undo bundle from that
 * pre-image (restore those files, remove the ones the patch created) and installs it with the
 * same transactional engine, so the undo is journaled and crash-safe like any install.
 */
import { lstat, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { PatchcastError } from '@patchcast/core';
import { buildBundle, readBundle } from '@patchcast/protocol';
import type { BundleManifest } from '@patchcast/protocol';
import { readJsonOptional, writeFileAtomic } from './files.js';
import { installBundle } from './install/index.js';
import type { InstallOutcome } from './install/index.js';

const undoSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  restore: z.array(z.strictObject({ path: z.string(), mode: z.number(), blob: z.string() })),
  remove: z.array(z.string()),
  /** Paths that were neither a regular file nor absent: the undo refuses to guess. */
  unsupported: z.array(z.string()),
});
type UndoRecord = z.infer<typeof undoSchema>;

/** Pre-images of this many installs are kept; older ones can no longer be rolled back. */
export const KEPT_UNDOS = 8;

export function undoDir(dataDir: string, rolloutId: string): string {
  return join(dataDir, 'undo', rolloutId.replace(/[^A-Za-z0-9_-]/g, '_'));
}

/** Saves the pre-image of every path `manifest` touches under `root`. */
export async function captureUndo(dir: string, root: string, manifest: BundleManifest) {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const record: UndoRecord = {
    name: manifest.name,
    version: manifest.version,
    restore: [],
    remove: [],
    unsupported: [],
  };
  const paths = [...manifest.files.map((f) => f.path), ...(manifest.removals ?? [])];
  for (const [index, path] of [...new Set(paths)].entries()) {
    const stats = await lstat(join(root, path)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw error;
    });
    if (stats === undefined) record.remove.push(path);
    else if (!stats.isFile()) record.unsupported.push(path);
    else {
      const blob = `blob-${index}`;
      await writeFile(join(dir, blob), await readFile(join(root, path)), { mode: 0o600 });
      record.restore.push({ path, mode: stats.mode & 0o7777, blob });
    }
  }
  await writeFileAtomic(join(dir, 'undo.json'), JSON.stringify(record));
  await pruneUndos(dirname(dir), KEPT_UNDOS);
}

/** Removes all but the `keep` newest pre-images. */
async function pruneUndos(parent: string, keep: number): Promise<void> {
  const names = await readdir(parent);
  const dated = await Promise.all(
    names.map(async (name) => ({ name, at: (await stat(join(parent, name))).mtimeMs })),
  );
  dated.sort((a, b) => b.at - a.at || a.name.localeCompare(b.name));
  for (const { name } of dated.slice(keep))
    await rm(join(parent, name), { recursive: true, force: true });
}

export function discardUndo(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** Puts the pre-image back through the install engine; undefined when nothing was captured. */
export async function applyUndo(
  dir: string,
  root: string,
  stateDir: string,
): Promise<InstallOutcome | undefined> {
  const json = await readJsonOptional(join(dir, 'undo.json'));
  if (json === undefined) return undefined;
  const record = undoSchema.parse(json);
  if (record.unsupported.length > 0)
    throw new PatchcastError(
      'INSTALL_FAILED',
      `cannot roll back ${record.name}@${record.version}: ${record.unsupported[0] ?? ''} was not a regular file before the install`,
    );
  const files = await Promise.all(
    record.restore.map(async (r) => ({
      path: r.path,
      mode: r.mode,
      content: new Uint8Array(await readFile(join(dir, r.blob))),
    })),
  );
  const bytes = buildBundle({
    name: record.name,
    version: record.version,
    files,
    removals: record.remove,
  });
  return installBundle({ bundle: readBundle(bytes), root, stateDir });
}
