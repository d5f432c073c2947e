/**
 * An offline bundle taken apart into its members and put back together, so that a test can
 * change one member the way an attacker would (the container stays well formed: only the
 * verification can refuse it).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { readOfflineBundle, writeOfflineBundle } from '@patchcast/protocol';
import type { VersionedMetadata } from '@patchcast/protocol';

export interface Parts {
  name: string;
  version: string;
  roots: Uint8Array[];
  timestamp: Uint8Array;
  snapshot: VersionedMetadata;
  targets: VersionedMetadata;
  delegated: Map<string, VersionedMetadata>;
  target: Uint8Array;
  publication: Uint8Array;
  leafHashes: Uint8Array;
}

export async function openParts(file: string): Promise<Parts> {
  const bundle = readOfflineBundle(new Uint8Array(await readFile(file)));
  const roots: Uint8Array[] = [];
  const delegated = new Map<string, VersionedMetadata>();
  let snapshot: VersionedMetadata | undefined;
  let targets: VersionedMetadata | undefined;
  for (const [name, bytes] of bundle.metadata) {
    const match = /^(\d+)\.([a-z0-9-]+)\.json$/.exec(name);
    if (match === null) continue;
    const meta = { version: Number(match[1]), bytes };
    if (match[2] === 'root') roots.push(bytes);
    else if (match[2] === 'snapshot') snapshot = meta;
    else if (match[2] === 'targets') targets = meta;
    else delegated.set(match[2] ?? '', meta);
  }
  const timestamp = bundle.metadata.get('timestamp.json');
  if (snapshot === undefined || targets === undefined || timestamp === undefined)
    throw new Error('export wrote an incomplete bundle');
  return {
    ...bundle.ref,
    roots,
    timestamp,
    snapshot,
    targets,
    delegated,
    target: bundle.target,
    publication: new TextEncoder().encode(JSON.stringify(bundle.publication)),
    leafHashes: new Uint8Array(Buffer.concat(bundle.leafHashes)),
  };
}

/** Writes `parts`, changed by `change`, as a new offline bundle file. */
export async function forgeBundle(
  from: string,
  to: string,
  change: (parts: Parts) => void | Promise<void>,
): Promise<string> {
  const parts = await openParts(from);
  await change(parts);
  await writeFile(to, writeOfflineBundle(parts));
  return to;
}
