/**
 * The log itself: every entry re-hashed (RFC 9162 §2.1.1) into a tree of our own, every served
 * tile compared with it (C2SP tlog-tiles), every checkpoint's signature and origin verified
 * (C2SP tlog-checkpoint) and its root compared with our tree at its size.
 */
import {
  MerkleTree,
  TILE_WIDTH,
  encodeTile,
  equalBytes,
  leafHash,
  parseCheckpoint,
  parseNote,
  tileHashes,
  tilePath,
  tilesForTreeSize,
} from '@patchcast/core';
import type { LogKeyChain, TileId } from '@patchcast/core';
import { parseLogEntry } from '@patchcast/protocol';
import type { LogEvent } from '@patchcast/protocol';
import type { AuditEntry, AuditSource, ReportProblem } from './audit-source.js';
import { checkCheckpoints } from './verify-checkpoints.js';

export interface LogAuditOptions {
  readonly source: AuditSource;
  /** The log's keys, each with the checkpoint sizes it may sign (ADR 0028). */
  readonly chain: LogKeyChain;
  readonly report: ReportProblem;
  readonly progress: (done: number, total: number) => void;
}

export interface LogAudit {
  /** The leaves read in order from index 0, re-hashed. */
  readonly tree: MerkleTree;
  readonly events: ReadonlyMap<number, LogEvent>;
  readonly entries: number;
  readonly tiles: number;
  readonly checkpoints: number;
}

export async function auditLog(options: LogAuditOptions): Promise<LogAudit> {
  const { source, report } = options;
  const notes = await source.checkpoints();
  const signed = notes.length === 0 ? 0 : claimedSize(notes.at(-1) ?? '');
  if (notes.length === 0) report('checkpoints', 'the log has no checkpoint');
  const stored = (await source.storedSize()) ?? signed;
  if (stored > signed) {
    report(`entries ${signed} to ${stored - 1}`, 'are stored but covered by no checkpoint');
  }
  const read = await readEntries(options, Math.max(stored, signed));
  const tiles = await compareTiles(options, read.tree, signed);
  const checkpoints = checkCheckpoints(notes, read.tree, options);
  return { ...read, tiles, checkpoints };
}

/** The size a checkpoint claims, before any verification: only to know how much to read. */
function claimedSize(note: string): number {
  try {
    return parseCheckpoint(parseNote(note).text).size;
  } catch {
    return 0;
  }
}

async function readEntries(options: LogAuditOptions, size: number) {
  const { report } = options;
  const tree = new MerkleTree();
  const events = new Map<number, LogEvent>();
  let entries = 0;
  let next = 0;
  for (let start = 0; start < size; start += TILE_WIDTH) {
    const end = Math.min(size, start + TILE_WIDTH);
    for (const entry of await readPage(options, start, end)) {
      if (entry.index > next) reportMissing(report, next, entry.index);
      const hash = checkEntry(entry, events, report);
      if (entry.index === tree.size) tree.appendLeafHash(hash);
      next = entry.index + 1;
      entries += 1;
    }
    if (next < end) reportMissing(report, next, end);
    next = end;
    options.progress(end, size);
  }
  return { tree, events, entries };
}

async function readPage(
  o: LogAuditOptions,
  start: number,
  end: number,
): Promise<readonly AuditEntry[]> {
  try {
    return (await o.source.entries(start, end)).filter((e) => e.index >= start && e.index < end);
  } catch (error) {
    o.report(`entries ${start} to ${end - 1}`, `cannot be read: ${(error as Error).message}`);
    return [];
  }
}

function reportMissing(report: ReportProblem, from: number, to: number): void {
  report(to - from === 1 ? `entry ${from}` : `entries ${from} to ${to - 1}`, 'missing');
}

function checkEntry(
  entry: AuditEntry,
  events: Map<number, LogEvent>,
  report: ReportProblem,
): Uint8Array {
  const hash = leafHash(entry.leaf);
  if (entry.storedHash !== undefined && !equalBytes(hash, entry.storedHash)) {
    report(`entry ${entry.index}`, 'its bytes do not hash to its stored leaf hash (altered)');
  }
  const event = parseLogEntry(entry.leaf);
  if (event === undefined) report(`entry ${entry.index}`, 'is not a valid canonical log event');
  else events.set(entry.index, event);
  return hash;
}

/** C2SP tlog-tiles: every tile the server serves for its checkpoint, against our own hashes. */
async function compareTiles(o: LogAuditOptions, tree: MerkleTree, size: number): Promise<number> {
  const fetchTile = o.source.tile;
  if (fetchTile === undefined || size === 0) return 0;
  if (tree.size < size) {
    o.report('tiles', 'not compared: the entries could not all be read in order');
    return 0;
  }
  const tiles = tilesForTreeSize(size);
  for (const tile of tiles) {
    const served = await fetchTile(tile);
    const expected = encodeTile(tileHashes(tree, tile));
    if (served === undefined) o.report(tilePath(tile), 'is not served');
    else if (!equalBytes(served, expected))
      o.report(tilePath(tile), tileDifference(tile, served, expected));
  }
  return tiles.length;
}

function tileDifference(tile: TileId, served: Uint8Array, expected: Uint8Array): string {
  if (served.length !== expected.length) return `is ${served.length} bytes, not ${expected.length}`;
  let i = 0;
  while (equalBytes(served.subarray(i * 32, i * 32 + 32), expected.subarray(i * 32, i * 32 + 32))) {
    i += 1;
  }
  const span = TILE_WIDTH ** tile.level;
  const first = (tile.index * TILE_WIDTH + i) * span;
  return `hash ${i} (entries ${first} to ${first + span - 1}) differs from the served entries`;
}
