/**
 * Leaf hashes packed 256 to a row, as C2SP tlog-tiles level-0 tiles are: a server start reads a
 * million hashes from about 4 000 rows instead of a million.
 */
import type Database from 'better-sqlite3';
import { PatchcastError } from '@patchcast/core';

const PER_ROW = 256;
const HASH_SIZE = 32;

/** Appends the hashes of entries first, first + 1, ... to their rows. */
export function appendLeafHashes(
  db: Database.Database,
  first: number,
  hashes: readonly Uint8Array[],
): void {
  const get = db.prepare<[number], { hashes: Buffer }>(
    'SELECT hashes FROM log_leaf_hashes WHERE tile = ?',
  );
  const put = db.prepare(
    `INSERT INTO log_leaf_hashes (tile, hashes) VALUES (?, ?)
     ON CONFLICT(tile) DO UPDATE SET hashes = excluded.hashes`,
  );
  for (let i = 0; i < hashes.length;) {
    const index = first + i;
    const [row, offset] = [Math.floor(index / PER_ROW), index % PER_ROW];
    const take = Math.min(hashes.length - i, PER_ROW - offset);
    const stored = get.get(row)?.hashes ?? Buffer.alloc(0);
    if (stored.length !== offset * HASH_SIZE) {
      throw new PatchcastError('CONFLICT', `the stored leaf hashes do not end at entry ${index}`);
    }
    put.run(row, Buffer.concat([stored, ...hashes.slice(i, i + take)]));
    i += take;
  }
}

/** The stored hashes of entries start <= index < end, as [index, hash] in index order. */
export function readLeafHashes(
  db: Database.Database,
  start: number,
  end: number,
): [number, Uint8Array][] {
  if (end <= start) return [];
  const rows = db
    .prepare<[number, number], { tile: number; hashes: Buffer }>(
      'SELECT tile, hashes FROM log_leaf_hashes WHERE tile >= ? AND tile <= ? ORDER BY tile',
    )
    .all(Math.floor(start / PER_ROW), Math.floor((end - 1) / PER_ROW));
  const found: [number, Uint8Array][] = [];
  for (const { tile, hashes } of rows) {
    for (let i = 0; i * HASH_SIZE < hashes.length; i += 1) {
      const index = tile * PER_ROW + i;
      if (index >= start && index < end) {
        found.push([index, hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)]);
      }
    }
  }
  return found;
}
