/** Metadata files for the public `/tuf/metadata/` route and publishers' reads (ADR 0041). */
import { PatchcastError } from '@patchcast/core';
import type { Store } from '../../storage/store.js';
import { delegatedRole } from './delegated-roles.js';
import type { RepositoryView } from './repository-view.js';

/**
 * Bytes of `/tuf/metadata/<file>` (`timestamp.json` or `N.<role>.json`), or undefined: the
 * view's files from memory; an earlier version (a client walking the root chain) or one newer
 * than the view (committed by another node a moment ago) from the store.
 */
export async function metadataFile(
  view: RepositoryView | undefined,
  store: Store,
  file: string,
): Promise<Uint8Array | undefined> {
  const held = view?.files.get(file);
  if (held !== undefined || file === 'timestamp.json') return held;
  const match = /^([1-9]\d{0,9})\.([a-z0-9][a-z0-9-]{0,62})\.json$/.exec(file);
  if (match === null) return undefined;
  const name = match[2] ?? '';
  const role = ['root', 'snapshot', 'targets'].includes(name)
    ? (name as 'root')
    : delegatedRole(name);
  return (await store.getMetadata(role, Number(match[1])))?.bytes;
}

/** The newest targets metadata: top-level, or of delegated `role` (NOT_FOUND). */
export async function currentTargetsBytes(
  view: RepositoryView | undefined,
  store: Store,
  role?: string,
): Promise<Uint8Array> {
  if (view === undefined) throw new Error('repository is not initialized');
  if (role === undefined) return view.targets.bytes;
  const held = view.delegated.get(role)?.bytes;
  if (held !== undefined) return held;
  const record = await store.latestMetadata(delegatedRole(role));
  if (record === undefined)
    throw new PatchcastError('NOT_FOUND', `role ${role} has published no targets metadata yet`, {
      hint: `publish in the role first: patchcast publish PATH --role ${role} ...`,
    });
  return record.bytes;
}
