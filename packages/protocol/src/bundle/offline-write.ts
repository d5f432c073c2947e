import { canonicalBytes } from '@patchcast/core';
import { OFFLINE_FORMAT, OFFLINE_NAMES } from './offline-format.js';
import type { OfflineBundleParts } from './offline-format.js';
import { writeTar } from './tar-writer.js';
import type { TarEntry } from './tar-writer.js';

/** The canonical offline bundle of `parts`: the same parts always give the same bytes. */
export function writeOfflineBundle(parts: OfflineBundleParts): Uint8Array {
  const index = { format: OFFLINE_FORMAT, name: parts.name, version: parts.version };
  const versioned = (role: string, version: number, data: Uint8Array): TarEntry => ({
    name: `metadata/${version}.${role}.json`,
    data,
  });
  const delegated = [...parts.delegated].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return writeTar([
    { name: OFFLINE_NAMES.index, data: canonicalBytes(index) },
    ...parts.roots.map((bytes, i) => versioned('root', i + 1, bytes)),
    { name: OFFLINE_NAMES.timestamp, data: parts.timestamp },
    versioned('snapshot', parts.snapshot.version, parts.snapshot.bytes),
    versioned('targets', parts.targets.version, parts.targets.bytes),
    ...delegated.map(([role, meta]) => versioned(role, meta.version, meta.bytes)),
    { name: OFFLINE_NAMES.target, data: parts.target },
    { name: OFFLINE_NAMES.publication, data: parts.publication },
    { name: OFFLINE_NAMES.leafHashes, data: parts.leafHashes },
  ]);
}
