/** Metadata files as stored, for the public `/tuf/metadata/` route and publishers' reads. */
import { PatchcastError } from '@patchcast/core';
import type { Store } from '../../storage/store.js';
import { delegatedRole } from './delegated-roles.js';

/** Bytes of `/tuf/metadata/<file>` (`timestamp.json` or `N.<role>.json`), or undefined. */
export async function metadataFile(store: Store, file: string): Promise<Uint8Array | undefined> {
  if (file === 'timestamp.json') return (await store.latestMetadata('timestamp'))?.bytes;
  const match = /^([1-9]\d{0,9})\.([a-z0-9][a-z0-9-]{0,62})\.json$/.exec(file);
  if (match === null) return undefined;
  const name = match[2] ?? '';
  const role = ['root', 'snapshot', 'targets'].includes(name)
    ? (name as 'root')
    : delegatedRole(name);
  return (await store.getMetadata(role, Number(match[1])))?.bytes;
}

/** The newest targets metadata as stored: top-level, or of delegated `role` (NOT_FOUND). */
export async function currentTargetsBytes(store: Store, role?: string): Promise<Uint8Array> {
  const record = await store.latestMetadata(role === undefined ? 'targets' : delegatedRole(role));
  if (record === undefined && role !== undefined)
    throw new PatchcastError('NOT_FOUND', `role ${role} has published no targets metadata yet`, {
      hint: `publish in the role first: patchcast publish PATH --role ${role} ...`,
    });
  if (record === undefined) throw new Error('repository is not initialized');
  return record.bytes;
}
