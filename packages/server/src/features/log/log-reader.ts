/** Read-only views of the log, always against its latest stored checkpoint. */
import {
  PatchcastError,
  TILE_WIDTH,
  encodeEntryBundle,
  encodeTile,
  formatTlogProof,
  tileHashes,
  tileWidth,
} from '@patchcast/core';
import type { EntryBundleId, TileId, TileRef } from '@patchcast/core';
import type { PatchRef, PublicationProofResponse } from '@patchcast/protocol';
import { patchSubject } from './log-events.js';
import type { TransparencyLog } from './transparency-log.js';

/** C2SP tlog-tiles: a tile or entry bundle of the published tree, or undefined if it has none. */
export function tileOrBundle(log: TransparencyLog, ref: TileRef): Promise<Uint8Array | undefined> {
  return ref.kind === 'tile' ? Promise.resolve(tile(log, ref.tile)) : entryBundle(log, ref.bundle);
}

/** C2SP tlog-tiles "Merkle Tree": a partial tile of width W is the first W hashes of its tile. */
function tile(log: TransparencyLog, id: TileId): Uint8Array | undefined {
  if (id.width > tileWidth(log.checkpoint.size, id.level, id.index)) return undefined;
  return encodeTile(tileHashes(log.tree, id));
}

/** C2SP tlog-tiles "Log entries": entries [256 N, 256 N + W) with uint16 length prefixes. */
async function entryBundle(
  log: TransparencyLog,
  id: EntryBundleId,
): Promise<Uint8Array | undefined> {
  const start = id.index * TILE_WIDTH;
  if (start + id.width > log.checkpoint.size) return undefined;
  const entries = await log.store.entries(start, start + id.width);
  if (entries.length !== id.width) {
    throw new PatchcastError('INTERNAL', `log entries ${start} to ${start + id.width} are missing`);
  }
  return encodeEntryBundle(entries.map((entry) => entry.leaf));
}

/**
 * A patch's publication entry with its C2SP tlog-proof against the latest checkpoint, or an
 * earlier one holding the entry that more witnesses cosigned (cosignature lines included).
 */
export async function publicationProof(
  log: TransparencyLog,
  ref: PatchRef,
): Promise<PublicationProofResponse | undefined> {
  const entry = await log.store.findBySubject(patchSubject(ref));
  if (entry === undefined || entry.index >= log.checkpoint.size) return undefined;
  const { size, note } = log.checkpointFor(entry.index);
  const hashes = log.tree.inclusionProof(entry.index, size);
  return {
    entry: Buffer.from(entry.leaf).toString('base64'),
    proof: formatTlogProof({ index: entry.index, hashes, checkpoint: note }),
  };
}

/** RFC 9162 §2.1.4.1 from `from` to `to` leaves; both within the latest checkpoint. */
export function consistencyProof(log: TransparencyLog, from: number, to: number): Uint8Array[] {
  if (!(from >= 1 && from <= to && to <= log.checkpoint.size)) {
    throw new PatchcastError(
      'NOT_FOUND',
      `no consistency proof from ${from} to ${to} (the log has ${log.checkpoint.size} entries)`,
    );
  }
  return log.tree.consistencyProof(from, to);
}
