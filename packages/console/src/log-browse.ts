/**
 * Reading the transparency log as an auditor would, in the browser, with @patchcast/core's own
 * code: the checkpoint opened with the log's key (C2SP signed-note), an entry bundle of 256
 * entries (C2SP tlog-tiles), and any entry's inclusion proof built from the hash tiles and checked
 * against the signed checkpoint's root (RFC 9162 §2.1.3.2). The server only serves bytes: a tile
 * that does not hash up to the signed root fails the check.
 */
import {
  TILE_WIDTH,
  entryBundlePath,
  inclusionProofRanges,
  leafHash,
  makeInclusionProof,
  nodesForRanges,
  openCheckpoint,
  parseEntryBundle,
  parseVerifierKey,
  tileNodeReader,
  tilePath,
  tilesForNodes,
  verifyInclusion,
} from '@patchcast/core';
import type { Checkpoint, LogIdentity } from '@patchcast/core';

export interface OpenedLog {
  readonly identity: LogIdentity;
  readonly checkpoint: Checkpoint;
}

export interface LogEntryRow {
  readonly index: number;
  readonly type: string;
  readonly bytes: Uint8Array;
}

async function bytesAt(path: string): Promise<Uint8Array> {
  const response = await fetch(`/log/${path}`, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`/log/${path}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The latest checkpoint, its signature checked with the log's key for the key's origin. */
export function openLog(checkpointText: string, verifierKey: string): OpenedLog {
  const verifier = parseVerifierKey(verifierKey.trim());
  const identity = { origin: verifier.name, verifiers: [verifier] };
  return { identity, checkpoint: openCheckpoint(checkpointText, identity).checkpoint };
}

function typeOf(entry: Uint8Array): string {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(entry)) as { type?: unknown };
    return typeof parsed.type === 'string' ? parsed.type : 'unknown';
  } catch {
    return 'not JSON';
  }
}

/** The entries of the bundle holding `index` (256 a bundle; the last one partial). */
export async function entryBundle(log: OpenedLog, index: number): Promise<LogEntryRow[]> {
  const bundle = Math.floor(index / TILE_WIDTH);
  const width = Math.min(TILE_WIDTH, log.checkpoint.size - bundle * TILE_WIDTH);
  if (width < 1) return [];
  const entries = parseEntryBundle(await bytesAt(entryBundlePath({ index: bundle, width })), width);
  return entries.map((bytes, i) => ({
    index: bundle * TILE_WIDTH + i,
    type: typeOf(bytes),
    bytes,
  }));
}

/** Builds the entry's inclusion proof from the tiles and verifies it against the signed root. */
export async function verifyEntry(log: OpenedLog, row: LogEntryRow): Promise<number> {
  const { size, rootHash } = log.checkpoint;
  const nodes = nodesForRanges(inclusionProofRanges(row.index, size));
  const tiles = new Map<string, Uint8Array>();
  for (const tile of tilesForNodes(nodes, size))
    tiles.set(tilePath(tile), await bytesAt(tilePath(tile)));
  const reader = tileNodeReader(size, {
    readTile: (tile) => {
      const bytes = tiles.get(tilePath(tile));
      if (bytes === undefined) throw new Error(`tile ${tilePath(tile)} was not fetched`);
      return bytes;
    },
  });
  const proof = makeInclusionProof(reader, row.index, size);
  verifyInclusion({
    leafHash: leafHash(row.bytes),
    index: row.index,
    treeSize: size,
    proof,
    rootHash,
  });
  return proof.length;
}
