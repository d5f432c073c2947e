/**
 * Undo of a committed install, for a rollout's rollback command (docs/rollouts.md "Rollback").
 * Before installing, the agent keeps the pre-image of every path the bundle writes or removes:
 * the file's bytes and mode, or that it was absent. Rolling back builds an undo bundle from that
 * pre-image (restore those files, remove the ones the patch created) and installs it with the
 * same transactional engine, so the undo is journaled and crash-safe like any install.
 *
 * Undos go newest first (ADR 0015): each record knows the version it replaced (`previous`) and its
 * place in the order of installs (`seq`), so the agent refuses to undo an install that is not the
 * one in force (ROLLBACK_STALE) rather than put back old files under a newer version's.
 */
import { lstat, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { PatchcastError } from '@patchcast/core/base';
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
  /** The version of the patch installed before (null: none); absent from older records. */
  previous: z.string().nullable().optional(),
  /** Order of captures: the highest of a patch is its install in force; absent: 0. */
  seq: z.number().int().nonnegative().optional(),
});
export type UndoRecord = z.infer<typeof undoSchema>;

/** Pre-images of this many installs are kept; older ones can no longer be rolled back. */
export const KEPT_UNDOS = 8;

export function undoDir(dataDir: string, rolloutId: string): string {
  return join(dataDir, 'undo', rolloutId.replace(/[^A-Za-z0-9_-]/g, '_'));
}

/**
 * Saves the pre-image of every path `manifest` touches under `root`, and the version it replaces.
 * A manifest without files (an install of the version already in force) keeps an empty undo.
 */
export async function captureUndo(
  dir: string,
  root: string,
  manifest: Pick<BundleManifest, 'name' | 'version' | 'files' | 'removals'>,
  previous: string | null = null,
) {
  await rm(dir, { recursive: true, force: true });
  const seq = (await lastSeq(dirname(dir))) + 1;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const record: UndoRecord = {
    name: manifest.name,
    version: manifest.version,
    restore: [],
    remove: [],
    unsupported: [],
    previous,
    seq,
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

/** The undo record kept in `dir`, if any. */
export async function readUndo(dir: string): Promise<UndoRecord | undefined> {
  const json = await readJsonOptional(join(dir, 'undo.json'));
  return json === undefined ? undefined : undoSchema.parse(json);
}

async function records(parent: string): Promise<UndoRecord[]> {
  const names = await readdir(parent).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const found = await Promise.all(
    names.map((name) => readUndo(join(parent, name)).catch(() => undefined)),
  );
  return found.filter((r) => r !== undefined);
}

async function lastSeq(parent: string): Promise<number> {
  return Math.max(0, ...(await records(parent)).map((r) => r.seq ?? 0));
}

/**
 * Why undoing `record` now would be wrong, or undefined when its install is the one in force: no
 * later capture of the same patch is kept (a later install over it, even of the same version),
 * and the agent's installed version is the record's, or the one it replaced (a crash between the
 * install's commit and the state write: the pre-image is still the state before the install).
 */
export async function staleReason(
  dir: string,
  record: UndoRecord,
  installed: string | undefined,
): Promise<string | undefined> {
  const what = `${record.name}@${record.version}`;
  const later = (await records(dirname(dir))).filter(
    (r) => r.name === record.name && (r.seq ?? 0) > (record.seq ?? 0),
  );
  const [first] = later;
  if (first !== undefined)
    return `${what} has a later install of ${record.name} over it (${record.name}@${first.version}) whose undo comes first; roll that back first`;
  if (installed === record.version || installed === (record.previous ?? undefined))
    return undefined;
  return `${what} is not the install in force (${installed === undefined ? 'none' : `${record.name}@${installed}`} is): undoing it would put back files from before ${what}; roll back the later install first`;
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

/**
 * Puts the pre-image back through the install engine; undefined when nothing was captured,
 * 'nothing' when the install changed no file (the version was already in force).
 */
export async function applyUndo(
  dir: string,
  root: string,
  stateDir: string,
): Promise<InstallOutcome | 'nothing' | undefined> {
  const record = await readUndo(dir);
  if (record === undefined) return undefined;
  if (record.unsupported.length > 0)
    throw new PatchcastError(
      'INSTALL_FAILED',
      `cannot roll back ${record.name}@${record.version}: ${record.unsupported[0] ?? ''} was not a regular file before the install`,
    );
  if (record.restore.length === 0 && record.remove.length === 0) return 'nothing';
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
